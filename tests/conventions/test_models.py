"""A convention signed by both parties cannot change; no convention is ever deleted; a dossier
has at most one convention that is not superseded; every saved state is kept in the history."""

from datetime import date, datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from conventions.enums import ConventionStatus
from conventions.models import Convention, ConventionImmutable
from tests.factories.conventions import accept, countersign, drawn_up, signed

pytestmark = pytest.mark.django_db


def test_signed_convention_cannot_be_saved_updated_or_deleted():
    convention, _cast = signed()
    before = Convention.objects.filter(pk=convention.pk).values().get()
    convention.service_name = "Autre nom"
    with pytest.raises(ConventionImmutable):
        convention.save()
    with pytest.raises(ConventionImmutable):
        convention.save(update_fields=["service_name"])
    with pytest.raises(ConventionImmutable):
        Convention.objects.filter(pk=convention.pk).update(service_name="Autre nom")
    with pytest.raises(ConventionImmutable):
        Convention.objects.filter(pk=convention.pk).update(pdf_attempts=9)
    with pytest.raises(ConventionImmutable):
        convention.delete()
    with pytest.raises(ConventionImmutable):
        Convention.objects.filter(pk=convention.pk).delete()
    assert Convention.objects.filter(pk=convention.pk).values().get() == before


def test_unsigned_convention_is_never_deleted_either():
    convention, _cast = drawn_up(render=False)
    with pytest.raises(ConventionImmutable):
        convention.delete()
    assert Convention.objects.filter(pk=convention.pk).exists()


def test_a_dossier_has_one_current_convention_at_most():
    convention, cast = drawn_up(render=False)
    duplicate = Convention.objects.filter(pk=convention.pk).values().get()
    duplicate.pop("id")
    duplicate["number"] = "CONV-TEST-0001"
    with pytest.raises(IntegrityError), transaction.atomic():
        Convention.objects.create(**duplicate)
    # Once superseded, another may exist (for a rectified decision: test_services.py).
    Convention.objects.filter(pk=convention.pk).update(superseded_at=timezone.now())
    duplicate["decision_id"] = convention.decision_id
    with pytest.raises(IntegrityError), transaction.atomic():  # one convention per decision
        Convention.objects.create(**duplicate)


def test_countersignature_needs_the_acceptance_in_the_database_too():
    convention, _cast = drawn_up(render=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Convention.objects.filter(pk=convention.pk).update(admin_signed_at=timezone.now())


def test_history_keeps_every_state_with_who_made_it():
    convention, cast = drawn_up()
    accept(convention, cast.editor)
    countersign(Convention.objects.get(pk=convention.pk), cast.admin)
    records = list(Convention.history.filter(id=convention.pk).order_by("history_date"))
    assert [r.history_type for r in records] == ["+", "~", "~", "~"]
    created, rendered, accepted, countersigned = records
    assert created.history_user == cast.admin and not created.pdf
    assert rendered.history_user is None and rendered.pdf_status == "ready"
    assert accepted.history_user == cast.editor and accepted.editor_signed_at
    assert countersigned.history_user == cast.admin and countersigned.signed_at


def test_status_follows_the_steps():
    convention, cast = drawn_up(render=False)
    assert convention.status == ConventionStatus.DRAWING_UP
    Convention.objects.filter(pk=convention.pk).update(pdf_status="failed")
    assert Convention.objects.get(pk=convention.pk).status == ConventionStatus.PDF_FAILED
    convention, cast = drawn_up()
    assert convention.status == ConventionStatus.AWAITING_EDITOR
    assert convention.current_file == convention.pdf
    accept(convention, cast.editor)
    convention = Convention.objects.get(pk=convention.pk)
    assert convention.status == ConventionStatus.AWAITING_ADMINISTRATION
    assert convention.current_sha256 == convention.editor_signed_sha256
    countersign(convention, cast.admin)
    convention = Convention.objects.get(pk=convention.pk)
    assert convention.status == ConventionStatus.SIGNED
    assert convention.current_file == convention.admin_signed_pdf
    assert convention.download_filename == f"convention-{convention.number}-signee.pdf"


@pytest.mark.parametrize(
    ("signed_at", "years", "ends_on"),
    [
        ("2026-03-10T10:00:00+00:00", 3, "2029-03-09"),
        ("2026-12-31T23:30:00+00:00", 3, "2029-12-31"),  # already 1 January 2027 in Paris
        ("2028-02-29T12:00:00+00:00", 1, "2029-02-28"),
    ],
)
def test_referencing_ends_the_day_before_its_anniversary(signed_at, years, ends_on):
    convention = Convention(signed_at=datetime.fromisoformat(signed_at), duration_years=years)
    assert convention.referencing_ends_on == date.fromisoformat(ends_on)
    assert Convention(duration_years=years).referencing_ends_on is None
