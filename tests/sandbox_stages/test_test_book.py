"""The test book: its cases per requested API, their statuses from the recorded calls, and the
end-to-end stage they drive."""

import pytest
from django.urls import reverse
from django.utils import translation

from applications.models import Service
from sandbox.domain.calls import OAUTH_ERRORS
from sandbox.domain.stages import dossier_stages, stage_validate
from sandbox.domain.test_book import CaseStatus, all_cases, dossier_cases, test_book
from sandbox.enums import CallKind, CallOutcome, StageKind, StageStatus
from sandbox.fhir import measures_table
from sandbox.models import TestBookReport

from .conftest import record, record_fhir

pytestmark = pytest.mark.django_db


def statuses(dossier) -> dict[str, CaseStatus]:
    return {result.case.key: result.status for result in test_book(dossier).results}


def play_everything(client):
    """Calls that satisfy every case of a dossier asking for the measures API."""
    access_denied = str(OAUTH_ERRORS["access_denied"])
    invalid_grant = str(OAUTH_ERRORS["invalid_grant"])
    record(client, CallKind.AUTHORIZE, CallOutcome.SUCCESS)
    record(client, CallKind.AUTHORIZE, CallOutcome.REFUSED, verdict=access_denied)
    record(client, CallKind.TOKEN, CallOutcome.SUCCESS)
    record(client, CallKind.TOKEN, CallOutcome.REFUSED, verdict=invalid_grant)
    record(client, CallKind.REFRESH, CallOutcome.SUCCESS)
    record(client, CallKind.USERINFO, CallOutcome.SUCCESS)
    for measure in measures_table.MEASURES:
        if measure.creatable:
            record_fhir(client, f"measures.{measure.key}", measure=measure.key)
    record_fhir(client, "measures.bmi", CallOutcome.REFUSED, verdict="observation.bmi : calculé.")
    for rule in ("observation.unit", "observation.code", "observation.subject-identifier"):
        record_fhir(
            client, "measures.body_weight", CallOutcome.REFUSED, verdict=f"{rule} : refusé."
        )


def test_the_cases_follow_the_requested_apis(draft):
    dossier, _cast = draft
    keys = [case.key for case in dossier_cases(dossier)]
    assert keys[0].startswith("pairing.")
    assert "measures.body_weight" in keys and "measures.bmi_refused" in keys
    assert "measures.wrong_unit" in keys
    assert not any(key.startswith(("documents.", "agenda.")) for key in keys)
    creatable = [m for m in measures_table.MEASURES if m.creatable]
    assert sum(1 for key in keys if key.startswith("measures.")) == len(creatable) + 4

    Service.objects.filter(pk=dossier.service_id).update(mes_apis=["documents", "agenda"])
    dossier.service.refresh_from_db()
    keys = [case.key for case in dossier_cases(dossier)]
    assert "documents.simplified_publish" in keys and "agenda.appointment" in keys
    assert not any(key.startswith("measures.") for key in keys)
    assert len({case.key for case in all_cases()}) == len(all_cases())


def test_nothing_recorded_leaves_every_case_not_run(draft, sandbox_client):
    dossier, _cast = draft
    assert set(statuses(dossier).values()) == {CaseStatus.NOT_RUN}
    assert not test_book(dossier).started


def test_a_case_passes_on_a_call_that_shows_the_expected_result(draft, sandbox_client):
    dossier, _cast = draft
    refused = record_fhir(sandbox_client, "measures.body_weight", CallOutcome.REFUSED)
    assert statuses(dossier)["measures.body_weight"] == CaseStatus.FAILED
    accepted = record_fhir(sandbox_client, "measures.body_weight", measure="body_weight")
    book = test_book(dossier)
    result = next(r for r in book.results if r.case.key == "measures.body_weight")
    assert result.status == CaseStatus.PASSED and result.call == accepted
    assert refused.pk != accepted.pk
    # A weight refused for another rule is no proof of the unit rule.
    assert statuses(dossier)["measures.wrong_unit"] == CaseStatus.NOT_RUN
    record_fhir(
        sandbox_client,
        "measures.body_weight",
        CallOutcome.REFUSED,
        verdict="observation.unit-system : système.",
    )
    assert statuses(dossier)["measures.wrong_unit"] == CaseStatus.NOT_RUN
    record_fhir(
        sandbox_client, "measures.body_weight", CallOutcome.REFUSED, verdict="observation.unit"
    )
    assert statuses(dossier)["measures.wrong_unit"] == CaseStatus.PASSED


def test_a_bmi_is_expected_refused(draft, sandbox_client):
    dossier, _cast = draft
    record_fhir(sandbox_client, "measures.bmi", CallOutcome.REFUSED, verdict="observation.bmi")
    assert statuses(dossier)["measures.bmi_refused"] == CaseStatus.PASSED


def test_pairing_cases_read_the_oauth_calls(draft, sandbox_client):
    dossier, _cast = draft
    record(sandbox_client, CallKind.AUTHORIZE, CallOutcome.REFUSED, verdict="PKCE absent.")
    found = statuses(dossier)
    assert found["pairing.authorize"] == CaseStatus.FAILED
    assert found["pairing.consent_refused"] == CaseStatus.NOT_RUN
    record(
        sandbox_client,
        CallKind.AUTHORIZE,
        CallOutcome.REFUSED,
        verdict="Access refused on the sandbox's consent page.",
    )
    # The verdict is in the language of the request that recorded it.
    with translation.override("en"):
        english = str(OAUTH_ERRORS["access_denied"])
    record(sandbox_client, CallKind.AUTHORIZE, CallOutcome.REFUSED, verdict=english)
    assert statuses(dossier)["pairing.consent_refused"] == CaseStatus.PASSED


def test_the_end_to_end_stage_is_in_progress_then_passed_awaiting_validation(draft, sandbox_client):
    dossier, cast = draft
    stage = dossier_stages(dossier=dossier, user=cast.editor).stage(StageKind.END_TO_END)
    assert stage.status == StageStatus.TODO
    record(sandbox_client, CallKind.AUTHORIZE, CallOutcome.SUCCESS)
    stage = dossier_stages(dossier=dossier, user=cast.editor).stage(StageKind.END_TO_END)
    assert stage.status == StageStatus.IN_PROGRESS and stage.status_label == "En cours"
    play_everything(sandbox_client)
    page = dossier_stages(dossier=dossier, user=cast.editor)
    assert page.book.complete
    stage = page.stage(StageKind.END_TO_END)
    assert stage.status_label == "Réussi — à valider"
    assert stage.may_request  # the test book itself is the evidence


def test_the_instructor_validates_a_complete_test_book_and_a_report_is_queued(
    submitted, submitted_client
):
    dossier, cast = submitted
    play_everything(submitted_client)
    stage_validate(dossier=dossier, kind=StageKind.END_TO_END, actor=cast.instructor)
    stage = dossier.test_stages.get(kind=StageKind.END_TO_END)
    assert stage.status == StageStatus.PASSED
    assert TestBookReport.objects.filter(dossier=dossier, requested_by=cast.instructor).exists()


def test_an_incomplete_test_book_cannot_be_validated_without_a_request(submitted, submitted_client):
    from django.core.exceptions import ValidationError

    dossier, cast = submitted
    record(submitted_client, CallKind.AUTHORIZE, CallOutcome.SUCCESS)
    with pytest.raises(ValidationError, match="pas entièrement réussi"):
        stage_validate(dossier=dossier, kind=StageKind.END_TO_END, actor=cast.instructor)


def test_the_test_book_page_groups_the_cases(client, draft, sandbox_client):
    dossier, cast = draft
    record_fhir(sandbox_client, "measures.body_weight", measure="body_weight")
    client.force_login(cast.editor)
    page = client.get(reverse("sandbox:test-book", args=[dossier.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Appariement (OAuth2, OpenID Connect)" in text
    assert "guide ans.fhir.fr.mesures 3.1.0" in text
    assert 'data-case="measures.body_weight"' in text
    assert "1 cas réussi sur" in text


def test_the_test_book_page_without_calls_says_how_to_start(client, draft):
    dossier, cast = draft
    client.force_login(cast.editor)
    page = client.get(reverse("sandbox:test-book", args=[dossier.pk]))
    assert "Aucun appel n’est encore enregistré" in page.content.decode()


def test_the_test_book_reads_in_constant_queries(draft, sandbox_client, django_assert_num_queries):
    dossier, _cast = draft
    record_fhir(sandbox_client, "measures.body_weight")
    with django_assert_num_queries(2):
        test_book(dossier)
    play_everything(sandbox_client)
    with django_assert_num_queries(2):
        test_book(dossier)
