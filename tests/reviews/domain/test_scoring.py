"""Scores on hand-made cases: « partiellement » counts half, « non applicable » leaves the count,
blocking gaps decide the proposed opinion, grades have fixed boundaries."""

from decimal import Decimal

import pytest

from applications.domain.dossiers import dossier_create
from applications.enums import Opinion
from reviews.domain.scoring import DomainScore, evaluation_scores
from reviews.models import Verdict
from tests.factories import OrganisationFactory, editor, expert
from tests.factories.dossiers import ServiceFactory, small_referential
from tests.reviews.helpers import requirement

pytestmark = pytest.mark.django_db

#: Every requirement of the small referential applies to this dossier:
#: DOC-HDS-01 (blocking), DOC-HDS-02 (optional), ETH-IA-01, ETH-ACC-01, RGPD-FIN-01 (mandatory),
#: DES-SEC-01, DER-CON-01 (blocking).
ALL = ["DOC-HDS-01", "DOC-HDS-02", "ETH-IA-01", "ETH-ACC-01", "RGPD-FIN-01", "DES-SEC-01",
       "DER-CON-01"]  # fmt: skip


@pytest.fixture
def dossier():
    small_referential()
    organisation = OrganisationFactory()
    service = ServiceFactory(
        organisation=organisation,
        requests_data_exchange=True,
        mes_apis=["measures"],
        orientation__uses_ai=True,
        orientation__stores_health_data=True,
    )
    return dossier_create(actor=editor(organisation), service=service)


def judge(dossier, **verdicts):
    """Every requirement « conforme » unless given (code with « _ » for « - »)."""
    person = expert()
    given = {code.replace("_", "-"): verdict for code, verdict in verdicts.items()}
    for code in ALL:
        Verdict.objects.create(
            dossier=dossier,
            requirement=requirement(dossier, code),
            expert=person,
            verdict=given.get(code, "compliant"),
            comment="" if given.get(code, "compliant") == "compliant" else "Écart.",
            revision_number=1,
        )
    scores = evaluation_scores(dossier)
    return scores, {d.code: d for d in scores.domains}


def test_all_compliant_is_favorable_with_every_grade_a(dossier):
    scores, domains = judge(dossier)
    assert scores.proposed_opinion == Opinion.FAVORABLE
    assert {d.grade for d in domains.values()} == {"A"}
    assert {d.score for d in domains.values()} == {Decimal(100)}


def test_partial_counts_half(dossier):
    _scores, domains = judge(dossier, ETH_IA_01="partial")
    assert domains["ethics"].score == Decimal("75.0")
    assert domains["ethics"].grade == "B"


def test_not_applicable_leaves_the_count(dossier):
    _scores, domains = judge(dossier, DOC_HDS_02="not_applicable")
    doctrine = domains["doctrine"]
    assert (doctrine.judged, doctrine.not_applicable, doctrine.score) == (1, 1, Decimal(100))
    _scores, domains = judge_again(dossier, DOC_HDS_02="not_applicable", DOC_HDS_01="partial")
    assert domains["doctrine"].score == Decimal("50.0")


def judge_again(dossier, **verdicts):
    Verdict.objects.filter(dossier=dossier).delete()
    return judge(dossier, **verdicts)


def test_blocking_partial_gives_suspensive_reservations_and_caps_the_grade(dossier):
    scores, domains = judge(dossier, DOC_HDS_01="partial")
    assert scores.proposed_opinion == Opinion.FAVORABLE_SUSPENSIVE
    assert domains["doctrine"].score == Decimal("75.0")
    assert domains["doctrine"].grade == "D"  # B by the score, capped by the blocking gap
    assert [v.requirement.code for v in scores.blocking_not_met] == ["DOC-HDS-01"]


def test_blocking_non_compliant_is_unfavorable(dossier):
    scores, _domains = judge(dossier, DES_SEC_01="non_compliant", DER_CON_01="partial")
    assert scores.proposed_opinion == Opinion.UNFAVORABLE
    assert {v.requirement.code for v in scores.blocking_not_met} == {"DES-SEC-01", "DER-CON-01"}


@pytest.mark.parametrize(
    "gaps",
    [{"ETH_ACC_01": "non_compliant"}, {"DOC_HDS_02": "partial"}, {"RGPD_FIN_01": "partial"}],
)
def test_non_blocking_gaps_give_non_suspensive_reservations(dossier, gaps):
    scores, _domains = judge(dossier, **gaps)
    assert scores.proposed_opinion == Opinion.FAVORABLE_NON_SUSPENSIVE
    assert not scores.blocking_not_met


def test_unjudged_requirements_are_counted_apart(dossier):
    scores = evaluation_scores(dossier)
    doctrine = next(d for d in scores.domains if d.code == "doctrine")
    assert (doctrine.unjudged, doctrine.judged) == (2, 0)


@pytest.mark.parametrize(
    ("credit", "blocking", "grade"),
    [
        ("90", False, "A"),
        ("89.9", False, "B"),
        ("75", False, "B"),
        ("74.9", False, "C"),
        ("60", False, "C"),
        ("59.9", False, "D"),
        ("40", False, "D"),
        ("39.9", False, "E"),
        ("0", False, "E"),
        ("100", True, "D"),
        ("30", True, "E"),
    ],
)
def test_grade_boundaries(credit, blocking, grade):
    score = DomainScore("doctrine", "Doctrine", judged=100, credit=Decimal(credit))
    if blocking:
        score.blocking_not_met.append(object())
    assert score.grade == grade
