"""Two people acting on the same dossier at once, each on their own PostgreSQL connection."""

import threading

import pytest
from django.db import connection

from applications.domain import transitions as t
from applications.domain.exceptions import TransitionConflict
from applications.enums import DossierState
from applications.models import Dossier, TransitionLog
from tests.factories.dossiers import dossier_in_state

S = DossierState


@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_exactly_one_wins():
    assert connection.vendor == "postgresql"
    dossier, cast = dossier_in_state(S.SUBMITTED)
    cast.assign_experts(dossier)
    barrier = threading.Barrier(2)
    outcomes = {}

    def act(label, service):
        try:
            seen = Dossier.objects.get(pk=dossier.pk)  # both read "submitted"
            barrier.wait(timeout=10)
            service(seen)
            outcomes[label] = "ok"
        except TransitionConflict as exc:
            outcomes[label] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=act,
            args=(
                "incomplete",
                lambda d: t.dossier_declare_incomplete(
                    dossier=d, actor=cast.instructor, comment="Manque l'AIPD."
                ),
            ),
        ),
        threading.Thread(
            target=act,
            args=(
                "evaluation",
                lambda d: t.dossier_start_evaluation(dossier=d, actor=cast.instructor),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(v == "ok" for v in outcomes.values()) == [False, True], outcomes
    loser = next(v for v in outcomes.values() if v != "ok")
    assert "modifié par quelqu'un d'autre" in str(loser)
    final = Dossier.objects.get(pk=dossier.pk)
    winner = next(k for k, v in outcomes.items() if v == "ok")
    assert final.state == {"incomplete": S.INCOMPLETE, "evaluation": S.UNDER_EVALUATION}[winner]
    logs = TransitionLog.objects.filter(dossier=dossier).exclude(
        transition__in=["create", "submit"]
    )
    assert logs.count() == 1  # no lost update, no double log


@pytest.mark.django_db
def test_stale_instance_is_refused_with_a_conflict():
    dossier, cast = dossier_in_state(S.SUBMITTED)
    stale = Dossier.objects.get(pk=dossier.pk)
    t.dossier_declare_incomplete(dossier=dossier, actor=cast.instructor, comment="Incomplet.")
    with pytest.raises(TransitionConflict):
        t.dossier_withdraw(dossier=stale, actor=cast.editor)
    assert Dossier.objects.get(pk=dossier.pk).state == S.INCOMPLETE
