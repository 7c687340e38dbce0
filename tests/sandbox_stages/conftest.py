"""The test stages of data-exchange dossiers: fixtures shared by the tests of this folder."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sandbox.domain.calls import call_record
from sandbox.domain.clients import sandbox_client_create
from sandbox.enums import CallKind, CallOutcome
from tests.factories.dossiers import TINY_PDF, dossier_in_state
from tests.factories.people import OrganisationFactory, editor, staff_user

REDIRECT_URI = "http://127.0.0.1:8765/callback"


def report_pdf(name="rapport-tests.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, TINY_PDF, content_type="application/pdf")


@pytest.fixture
def draft(db):
    """(dossier, cast): a draft, filled in, whose service asks for the measures API."""
    return dossier_in_state("draft", requests_data_exchange=True)


@pytest.fixture
def submitted(db):
    """(dossier, cast): filed (its unit tests passed), asking for the measures API."""
    return dossier_in_state("submitted", requests_data_exchange=True)


@pytest.fixture
def submitted_client(submitted):
    dossier, cast = submitted
    client, _secret = sandbox_client_create(
        dossier=dossier, actor=cast.editor, redirect_uris=[REDIRECT_URI]
    )
    return client


@pytest.fixture
def sandbox_client(draft):
    dossier, cast = draft
    client, _secret = sandbox_client_create(
        dossier=dossier, actor=cast.editor, redirect_uris=[REDIRECT_URI]
    )
    return client


def record(client, kind, outcome, *, case="", measure="", verdict="", status=None):
    """One recorded call of the dossier's service, as the sandbox's endpoints record them."""
    call = call_record(
        client=client,
        kind=kind,
        outcome=outcome,
        verdict=verdict,
        response_status=status,
        method="POST",
        path="/bac-a-sable/",
    )
    if case or measure:
        type(call).objects.filter(pk=call.pk).update(case=case, measure=measure)
        call.refresh_from_db()
    return call


def record_fhir(client, case, outcome=CallOutcome.SUCCESS, **kwargs):
    status = 200 if outcome == CallOutcome.SUCCESS else 422
    return record(client, CallKind.FHIR, outcome, case=case, status=status, **kwargs)


@pytest.fixture
def other_editor(db):
    return editor(OrganisationFactory())


@pytest.fixture
def other_instructor(db):
    return staff_user("instructor")
