"""Drawing up a convention: who may, on which dossier, what its snapshot states, idempotency, a
rectified decision, a document that failed, and the PDF queued after the commit only."""

import pytest

from applications.domain.exceptions import TransitionForbidden, TransitionNotAvailable
from applications.enums import DecisionOutcome, DossierState
from applications.models import Service
from conventions.domain.documents import CONVENTION_PDF, convention_render
from conventions.domain.services import convention_draw_up, convention_pending_ids
from conventions.enums import PdfStatus
from conventions.models import Convention
from decisions.domain.documents import decision_render
from decisions.domain.services import decision_correct
from tests.assertions import assert_nothing_changed
from tests.decisions.helpers import decided
from tests.factories import dossier_in_state
from tests.factories.conventions import accepted, drawn_up, referenced_dossier

pytestmark = pytest.mark.django_db


def nothing_drawn_up(dossier):
    return assert_nothing_changed(dossier, tables=(Convention,))


def test_draw_up_takes_the_snapshot_of_what_the_document_states(settings):
    settings.CONVENTION_DURATION_YEARS = 5
    dossier, decision, cast = referenced_dossier(mes_apis=["agenda", "measures"])
    convention = convention_draw_up(dossier=dossier, actor=cast.admin)
    organisation = dossier.service.organisation
    assert convention.number == f"CONV-{decision.year}-{decision.sequence:04d}"
    assert (convention.dossier, convention.decision, convention.drawn_up_by) == (
        dossier,
        decision,
        cast.admin,
    )
    assert (convention.decision_number, convention.decision_decided_at) == (
        decision.number,
        decision.decided_at,
    )
    assert convention.organisation_name == organisation.name
    assert convention.organisation_siren == organisation.siren
    assert convention.organisation_address == (
        f"{organisation.street}, {organisation.postal_code} {organisation.city}"
    )
    assert convention.administration_name == "Ministère chargé de la santé"
    assert convention.service_name == dossier.service.name
    assert convention.referential_version_code == dossier.referential_version.code
    assert convention.duration_years == 5
    assert convention.data_apis == ["measures", "agenda"]  # the order of MesApi
    assert convention.data_categories[0].startswith("Mesures de santé : poids")
    assert convention.data_categories[1].startswith("Agenda : rendez-vous")
    assert convention.pdf_status == PdfStatus.PENDING and not convention.pdf


def test_draw_up_without_data_exchange_states_no_data_category():
    dossier, _decision, cast = referenced_dossier()
    convention = convention_draw_up(dossier=dossier, actor=cast.admin)
    assert (convention.data_apis, convention.data_categories) == ([], [])


def test_snapshot_does_not_follow_later_changes_of_the_service():
    convention, _cast = drawn_up(render=False)
    Service.objects.filter(pk=convention.dossier.service_id).update(name="Nouveau nom")
    assert Convention.objects.get(pk=convention.pk).service_name != "Nouveau nom"


def test_draw_up_is_idempotent():
    convention, cast = drawn_up(render=False)
    again = convention_draw_up(dossier=convention.dossier, actor=cast.admin)
    assert again.pk == convention.pk
    assert Convention.objects.filter(dossier=convention.dossier).count() == 1


def test_draw_up_queues_the_pdf_after_commit_only(django_capture_on_commit_callbacks):
    dossier, _decision, cast = referenced_dossier()
    with django_capture_on_commit_callbacks() as callbacks:
        convention = convention_draw_up(dossier=dossier, actor=cast.admin)
    dispatched = [c for c in callbacks if getattr(getattr(c, "func", None), "__self__", None)]
    assert [(c.func.__self__, c.args) for c in dispatched] == [(CONVENTION_PDF, (convention.pk,))]


@pytest.mark.parametrize("who", ["editor", "instructor", "ministry", "chair"])
def test_only_an_administrator_draws_up(who):
    dossier, _decision, cast = referenced_dossier()
    with nothing_drawn_up(dossier), pytest.raises(TransitionForbidden):
        convention_draw_up(dossier=dossier, actor=getattr(cast, who))


@pytest.mark.parametrize(
    "state", [DossierState.OPINION_FAVORABLE, DossierState.EVALUATED, DossierState.SUBMITTED]
)
def test_draw_up_refused_before_the_referencing(state):
    dossier, cast = dossier_in_state(state)
    with nothing_drawn_up(dossier), pytest.raises(TransitionNotAvailable, match="Référencé"):
        convention_draw_up(dossier=dossier, actor=cast.admin)


def test_draw_up_refused_after_a_refusal():
    _decision, dossier, cast = decided(DecisionOutcome.REFUSED)
    with nothing_drawn_up(dossier), pytest.raises(TransitionNotAvailable):
        convention_draw_up(dossier=dossier, actor=cast.admin)


def test_draw_up_waits_for_the_decision_pdf():
    dossier, decision, cast = referenced_dossier(render_decision=False)
    with nothing_drawn_up(dossier), pytest.raises(TransitionNotAvailable, match=decision.number):
        convention_draw_up(dossier=dossier, actor=cast.admin)


def test_a_rectified_decision_supersedes_the_unsigned_convention():
    convention, cast = accepted()
    correction = decision_correct(
        decision=convention.decision, actor=cast.ministry, motives="Motifs complétés."
    )
    decision_render(decision_id=correction.pk)
    new = convention_draw_up(dossier=convention.dossier, actor=cast.admin)
    old = Convention.objects.get(pk=convention.pk)
    assert old.is_superseded and old.editor_signed_at  # kept as it was, signature included
    assert new.pk != old.pk and new.decision == correction
    assert new.decision_number == correction.number and not new.is_accepted
    assert list(Convention.objects.current().filter(dossier=convention.dossier)) == [new]


def test_a_failed_document_is_put_back_in_production():
    convention, cast = drawn_up(render=False)
    Convention.objects.filter(pk=convention.pk).update(
        pdf_status=PdfStatus.FAILED, pdf_attempts=6, pdf_last_error="Boum"
    )
    again = convention_draw_up(dossier=convention.dossier, actor=cast.admin)
    assert again.pk == convention.pk
    assert (again.pdf_status, again.pdf_attempts, again.pdf_last_error) == (
        PdfStatus.PENDING,
        0,
        "",
    )
    assert convention_render(convention_id=convention.pk) is not None


def test_pending_conventions_are_found_by_the_sweep():
    convention, _cast = drawn_up(render=False)
    assert convention.pk in convention_pending_ids(older_than_seconds=0)
    convention_render(convention_id=convention.pk)
    assert convention.pk not in convention_pending_ids(older_than_seconds=0)
