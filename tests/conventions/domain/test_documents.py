"""The convention's PDF, rendered in the test process: what it states (pdftotext), PDF/A, its
SHA-256 on the private storage, idempotency, a failure recorded and retried, and the e-mail."""

import hashlib

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from conventions.domain.documents import (
    MAX_ATTEMPTS,
    ConventionRenderError,
    convention_render,
)
from conventions.enums import PdfStatus
from conventions.models import Convention
from portal.notifications.models import OutboxMessage
from tests.conventions.helpers import read
from tests.decisions.helpers import pdf_text, pdf_xmp
from tests.factories.conventions import drawn_up

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker, tmp_path_factory):
    """(convention, cast, content, storage): a convention with data exchange and its PDF,
    rendered once for the tests that only read it (a convention costs a whole workflow, a
    decision's PDF and its own, each a WeasyPrint render and a signature), on a private storage
    of its own; rolled back at the module's end. The plain static storage and a cache in memory,
    as tests/conftest.py gives each test."""
    storage = tmp_path_factory.mktemp("convention-private")
    storages = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(storage)}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    caches = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    with (
        override_settings(STORAGES=storages, CACHES=caches),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        convention, cast = drawn_up(mes_apis=["measures", "documents"])
        yield convention, cast, read(convention.pdf), storage
        transaction.set_rollback(True)


def test_pdf_states_parties_decision_duration_and_data_categories(rendered):
    convention, _cast, content, _storage = rendered
    text = pdf_text(content)
    for expected in [
        "RÉPUBLIQUE",
        f"Convention n° {convention.number}",
        "Convention de référencement du service",
        convention.service_name,
        convention.organisation_name,
        f"SIREN {convention.organisation_siren}",
        convention.organisation_address,
        "Ministère chargé de la santé",
        f"Décision n° {convention.decision_number}",
        f"Vu la décision n° {convention.decision_number}",
        convention.dossier_reference,
        "à compter de la date de la dernière signature de la présente convention, pour une "
        "durée de 3 ans",
        "Mesures de santé : poids",
        "Documents : documents de santé",
        "consentement exprès",
        "Article 6 — Suspension",
        "déréférencement",
        "Signature électronique apposée lors de l'acceptation en ligne",
        "contresignature en ligne",
    ]:
        assert expected in text, expected
    assert "Agenda" not in text


def test_pdf_of_a_service_without_data_exchange_says_none(settings):
    settings.CONVENTION_DURATION_YEARS = 1
    convention, _cast = drawn_up()
    text = pdf_text(read(convention.pdf))
    assert "Catégories de données accessibles : Aucune." in text
    assert "pour une durée de 1 an." in text


def test_pdf_is_pdf_a_stored_privately_with_its_sha256(rendered):
    convention, _cast, content, storage = rendered
    assert 'pdfaid:part="3"' in pdf_xmp(content)
    year = convention.drawn_up_at.year
    assert convention.pdf.name == f"conventions/{year}/convention-{convention.number}.pdf"
    assert (storage / convention.pdf.name).read_bytes() == content
    assert convention.pdf_sha256 == hashlib.sha256(content).hexdigest()
    assert (convention.pdf_status, convention.pdf_attempts) == (PdfStatus.READY, 1)


def test_rendering_twice_yields_one_document_and_one_e_mail(private_storage):
    convention, _cast = drawn_up()
    assert convention_render(convention_id=convention.pk) is None
    again = Convention.objects.get(pk=convention.pk)
    assert (again.pdf_sha256, again.pdf_attempts) == (convention.pdf_sha256, 1)
    assert len(list((private_storage / "conventions").rglob("*.pdf"))) == 1
    assert OutboxMessage.objects.filter(subject__contains=convention.number).count() == 1


def test_editor_is_told_the_convention_awaits_their_signature(rendered):
    convention, cast, _content, _storage = rendered
    message = OutboxMessage.objects.get(subject__contains=convention.number)
    assert message.to == cast.editor.email
    assert "attend la signature de votre organisation" in message.body
    assert f"/conventions/dossier/{convention.dossier_id}/" in message.body


def _blocked_storage(settings, tmp_path):
    blocked = tmp_path / "un-fichier"
    blocked.write_text("pas un dossier")
    working = settings.STORAGES
    settings.STORAGES = {
        **working,
        "default": {**working["default"], "OPTIONS": {"location": str(blocked)}},
    }
    return working


def test_failed_rendering_is_recorded_then_retried(settings, tmp_path):
    convention, _cast = drawn_up(render=False)
    working = _blocked_storage(settings, tmp_path)
    with pytest.raises(ConventionRenderError):
        convention_render(convention_id=convention.pk)
    convention.refresh_from_db()
    assert (convention.pdf_status, convention.pdf_attempts, bool(convention.pdf)) == (
        PdfStatus.PENDING,
        1,
        False,
    )
    assert convention.pdf_last_error
    assert not OutboxMessage.objects.filter(subject__contains=convention.number).exists()

    settings.STORAGES = working
    assert convention_render(convention_id=convention.pk) is not None
    convention.refresh_from_db()
    assert (convention.pdf_status, convention.pdf_attempts, convention.pdf_last_error) == (
        PdfStatus.READY,
        2,
        "",
    )


def test_rendering_gives_up_after_the_last_attempt(settings, tmp_path):
    convention, _cast = drawn_up(render=False)
    _blocked_storage(settings, tmp_path)
    for _attempt in range(MAX_ATTEMPTS):
        with pytest.raises(ConventionRenderError):
            convention_render(convention_id=convention.pk)
    convention.refresh_from_db()
    assert (convention.pdf_status, convention.pdf_attempts) == (PdfStatus.FAILED, MAX_ATTEMPTS)
    assert convention.pdf_failed and not convention.current_file
