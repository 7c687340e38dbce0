"""The test stages' guards on submit, resubmit, schedule and publish."""

import pytest
from django.urls import reverse

from applications.domain import transitions as t
from applications.domain.exceptions import TransitionBlocked
from applications.enums import DossierState as S
from applications.models import Dossier
from applications.models.dossier import GUARDS
from catalogue.domain import publication
from reviews.domain.sessions import dossier_schedule
from sandbox.domain.stages import stage_evidence_add, stage_request_validation, stage_validate
from sandbox.enums import StageKind
from tests.factories.dossiers import _approve_card, _sign_convention, dossier_in_state

from .conftest import report_pdf

pytestmark = pytest.mark.django_db


def pass_stage(dossier, cast, kind):
    stage_evidence_add(dossier=dossier, kind=kind, actor=cast.editor, uploaded=report_pdf())
    stage_request_validation(dossier=dossier, kind=kind, actor=cast.editor)
    stage_validate(dossier=dossier, kind=kind, actor=cast.instructor)


def test_submit_is_blocked_until_the_unit_stage_passes(draft):
    dossier, cast = draft
    with pytest.raises(TransitionBlocked) as blocked:
        t.dossier_submit(dossier=dossier, actor=cast.editor)
    assert "l’étape « Tests unitaires » de l’échange de données n’est pas validée" in str(
        blocked.value
    )
    assert Dossier.objects.get(pk=dossier.pk).state == S.DRAFT

    pass_stage(dossier, cast, StageKind.UNIT)
    assert t.dossier_submit(dossier=dossier, actor=cast.editor).state == S.SUBMITTED


def test_resubmit_needs_the_unit_stage(db):
    dossier, cast = dossier_in_state(S.INCOMPLETE, requests_data_exchange=True)
    guard = GUARDS["unit_tests_passed"]
    assert guard.reason(dossier) is None  # passed before the first filing
    dossier.test_stages.update(status="failed")
    assert "Impossible de déposer le dossier" in guard.reason(dossier)
    with pytest.raises(TransitionBlocked):
        t.dossier_resubmit(dossier=dossier, actor=cast.editor)


def test_schedule_is_blocked_until_the_end_to_end_stage_passes(db):
    dossier, cast = dossier_in_state(S.EVALUATED, requests_data_exchange=True)
    with pytest.raises(TransitionBlocked) as blocked:
        dossier_schedule(dossier=dossier, actor=cast.instructor, session=cast.session)
    assert "Impossible d’inscrire le dossier en commission" in str(blocked.value)

    pass_stage(dossier, cast, StageKind.END_TO_END)
    dossier = dossier_schedule(dossier=dossier, actor=cast.instructor, session=cast.session)
    assert dossier.state == S.IN_COMMISSION


def test_publish_is_blocked_until_the_connection_stage_passes(db):
    dossier, cast = dossier_in_state(S.REFERENCED, requests_data_exchange=True)
    dossier = _approve_card(_sign_convention(dossier), cast)
    with pytest.raises(TransitionBlocked) as blocked:
        publication.dossier_publish(dossier=dossier, actor=cast.admin)
    assert "l’étape « Tests de raccordement »" in str(blocked.value)

    pass_stage(dossier, cast, StageKind.CONNECTION)
    assert publication.dossier_publish(dossier=dossier, actor=cast.admin).state == S.PUBLISHED


@pytest.mark.parametrize(
    "name", ["unit_tests_passed", "end_to_end_tests_passed", "connection_tests_passed"]
)
def test_a_dossier_without_data_exchange_is_never_blocked(db, name):
    dossier, _cast = dossier_in_state(S.DRAFT)
    assert GUARDS[name].reason(dossier) is None


def test_the_dossier_page_says_why_filing_is_blocked(client, draft):
    dossier, cast = draft
    client.force_login(cast.editor)
    page = client.get(reverse("applications:dossier-detail", args=[dossier.pk]))
    assert page.status_code == 200
    assert "n’est pas validée par l’équipe référencement" in page.content.decode()
