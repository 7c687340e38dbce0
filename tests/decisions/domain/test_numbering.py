"""Decision numbers: REF-<year>-<sequence>, consecutive within a year, distinct under
concurrent decisions (each on its own PostgreSQL connection), given back by a rollback."""

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from applications.enums import DecisionOutcome, DossierState
from decisions.domain.services import decision_number, decision_number_allocate, dossier_decide
from decisions.models import Decision
from tests.decisions.helpers import MOTIVES, decided
from tests.factories.dossiers import dossier_in_state

S = DossierState


@pytest.mark.parametrize(
    ("year", "sequence", "number"),
    [(2026, 1, "REF-2026-0001"), (2026, 42, "REF-2026-0042"), (2027, 10000, "REF-2027-10000")],
)
def test_decision_number_format(year, sequence, number):
    assert decision_number(year, sequence) == number


@pytest.mark.django_db
def test_decision_number_allocate_counts_per_year():
    with transaction.atomic():
        taken = [decision_number_allocate(year=2031) for _ in range(3)]
        taken.append(decision_number_allocate(year=2032))
        taken.append(decision_number_allocate(year=2031))
    assert taken == [1, 2, 3, 1, 4]


@pytest.mark.django_db(transaction=True)
def test_decision_number_allocate_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        decision_number_allocate(year=2031)


@pytest.mark.django_db
def test_decisions_of_the_year_are_numbered_consecutively():
    first, _dossier, _cast = decided()
    second, _dossier, _cast = decided(DecisionOutcome.REFERENCED)
    year = timezone.localdate().year
    assert (first.year, first.sequence, first.number) == (year, 1, f"REF-{year}-0001")
    assert (second.year, second.sequence, second.number) == (year, 2, f"REF-{year}-0002")


@pytest.mark.django_db
def test_rolled_back_decision_gives_its_number_back():
    dossier, cast = dossier_in_state(S.OPINION_UNFAVORABLE)
    with pytest.raises(RuntimeError), transaction.atomic():
        dossier_decide(
            dossier=dossier, actor=cast.ministry, outcome=DecisionOutcome.REFUSED, motives=MOTIVES
        )
        raise RuntimeError("échec après la décision")
    assert not Decision.objects.exists()
    decision, _dossier, _cast = decided()
    assert decision.sequence == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_get_distinct_consecutive_numbers():
    assert connection.vendor == "postgresql"
    dossiers = [dossier_in_state(S.OPINION_UNFAVORABLE) for _ in range(3)]
    barrier = threading.Barrier(len(dossiers))
    outcomes = {}

    def decide(index, dossier, cast):
        try:
            barrier.wait(timeout=10)
            dossier_decide(
                dossier=dossier,
                actor=cast.ministry,
                outcome=DecisionOutcome.REFUSED,
                motives=MOTIVES,
            )
            outcomes[index] = "ok"
        except Exception as exc:  # reported by the assertion below
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(index, dossier, cast))
        for index, (dossier, cast) in enumerate(dossiers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes == {0: "ok", 1: "ok", 2: "ok"}, outcomes
    year = timezone.localdate().year
    numbers = sorted(Decision.objects.values_list("number", flat=True))
    assert numbers == [f"REF-{year}-0001", f"REF-{year}-0002", f"REF-{year}-0003"]
    assert sorted(Decision.objects.values_list("dossier_id", flat=True)) == sorted(
        d.pk for d, _cast in dossiers
    )
