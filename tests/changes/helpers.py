"""A published dossier for the tests of declared changes, and what they declare with it."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from applications.domain.applicability import applicable_requirements
from applications.enums import DossierState
from applications.models import (
    ReferentialDomain,
    ReferentialSection,
    ReferentialVersion,
    Requirement,
)
from changes.domain.declarations import ItemInput, change_draft_create, change_send
from tests.factories.dossiers import TINY_PDF, dossier_in_state

PARIS = ZoneInfo("Europe/Paris")
T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def in_paris(day, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=PARIS)


def published():
    """(dossier, cast) of a dossier published by the real services; cast.experts holds the
    expert of each applicable domain (their assignments stay active after publication)."""
    return dossier_in_state(DossierState.PUBLISHED)


def requirement(dossier, domain: str | None = None) -> Requirement:
    """An applicable requirement of the dossier (of `domain` when given)."""
    found = [r for r in applicable_requirements(dossier) if domain is None or r.domain == domain]
    return found[0]


def pdf(name="note.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, TINY_PDF, "application/pdf")


def item(dossier, text="Nouvelle page d'accueil.", view="editorial", requirements=None):
    return ItemInput(
        text=text, editor_view=view, requirements=requirements or [requirement(dossier)]
    )


def declared(dossier, actor, *, items=None, files=(), change_request=None):
    """A declaration drafted then sent by `actor`."""
    draft = change_draft_create(
        dossier=dossier,
        actor=actor,
        items=items or [item(dossier)],
        files=files,
        change_request=change_request,
    )
    return change_send(declaration=draft, actor=actor)


def other_version_requirement() -> Requirement:
    """A requirement of another referential version than the test one."""
    version, _ = ReferentialVersion.objects.get_or_create(
        code="AUTRE", defaults={"title": "Autre version", "published_on": "2021-01-01"}
    )
    domain, _ = ReferentialDomain.objects.get_or_create(
        version=version, code="ethics", defaults={"title": "Éthique", "position": 1}
    )
    section, _ = ReferentialSection.objects.get_or_create(
        domain=domain, code="ETH-X", defaults={"title": "Autre", "position": 1}
    )
    found, _ = Requirement.objects.get_or_create(
        version=version,
        code="ETH-X-01",
        defaults={
            "section": section,
            "domain": "ethics",
            "title": "Autre exigence",
            "statement": "Autre.",
            "position": 1,
        },
    )
    return found
