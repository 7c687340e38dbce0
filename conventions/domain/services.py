"""Drawing up the convention of a referenced dossier: the snapshot of what its document states,
its number, and the hand-off of its PDF to Celery once the transaction commits.

The signatures (the editor's acceptance, the administration's countersignature) are in
`conventions.domain.signatures`."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.domain.exceptions import TransitionForbidden, TransitionNotAvailable
from applications.enums import MesApi
from applications.models import Dossier
from decisions.models import Decision

from ..enums import PdfStatus
from ..models import Convention
from ..rules import can_draw_up
from .documents import CONVENTION_PDF
from .queries import dossier_latest_decision, draw_up_blocker

#: The administration party of every convention.
ADMINISTRATION_NAME = "Ministère chargé de la santé"

#: What each data-exchange API of Mon espace santé gives the service access to (DOMAIN.md,
#: "Data exchange with MES"); the convention states the API's label, then this.
DATA_CATEGORY_DETAILS = {
    MesApi.MEASURES: (
        "poids, taille, indice de masse corporelle, pression artérielle, température, niveau "
        "de douleur, nombre de pas, tour de taille, périmètre crânien, fréquence cardiaque, "
        "glycémie (ressources FHIR Observation)"
    ),
    MesApi.DOCUMENTS: (
        "documents de santé du profil, en lecture et en dépôt (ressources FHIR "
        "DocumentReference ; documents CDA R2 de niveau 1 ou 3)"
    ),
    MesApi.AGENDA: "rendez-vous de l'agenda du profil (ressources FHIR Appointment)",
}


def convention_number(decision: Decision) -> str:
    """The convention's number, derived from its decision's: REF-2026-0007 → CONV-2026-0007."""
    return f"CONV-{decision.year}-{decision.sequence:04d}"


def data_categories(service) -> tuple[list[str], list[str]]:
    """(API codes, their labels with what they open) that the service requested, in the order
    of `MesApi`; none when it asked for no data exchange."""
    if not service.requests_data_exchange:
        return [], []
    requested = set(service.mes_apis or [])
    codes = [api.value for api in MesApi if api.value in requested]
    labels = [f"{MesApi(code).label} : {DATA_CATEGORY_DETAILS[MesApi(code)]}" for code in codes]
    return codes, labels


def organisation_address(organisation) -> str:
    return f"{organisation.street}, {organisation.postal_code} {organisation.city}"


def convention_build(*, dossier, decision: Decision, actor) -> Convention:
    """A new convention of `dossier` (not saved), with the snapshot its document states."""
    service = dossier.service
    organisation = service.organisation
    version = dossier.referential_version
    codes, labels = data_categories(service)
    convention = Convention(
        dossier=dossier,
        decision=decision,
        number=convention_number(decision),
        dossier_reference=dossier.reference,
        service_name=service.name,
        organisation_name=organisation.name,
        organisation_siren=organisation.siren,
        organisation_address=organisation_address(organisation),
        administration_name=ADMINISTRATION_NAME,
        decision_number=decision.number,
        decision_decided_at=decision.decided_at,
        referential_version_code=version.code if version else "",
        referential_version_title=version.title if version else "",
        duration_years=settings.CONVENTION_DURATION_YEARS,
        data_apis=codes,
        data_categories=labels,
        drawn_up_at=timezone.now(),
        drawn_up_by=actor,
    )
    convention._history_user = actor
    return convention


def _relaunch(convention: Convention) -> Convention:
    """Put a convention whose document failed back in production, from a fresh count."""
    Convention.objects.filter(pk=convention.pk, pdf_status=PdfStatus.FAILED).update(
        pdf_status=PdfStatus.PENDING, pdf_attempts=0, pdf_last_error="", pdf_started_at=None
    )
    CONVENTION_PDF.dispatch_on_commit(convention.pk)
    convention.refresh_from_db()
    return convention


def convention_draw_up(*, dossier, actor) -> Convention:
    """Draw up the convention of a referenced dossier whose decision's PDF is ready; its PDF is
    produced by Celery after the commit.

    Idempotent: the dossier's current convention is returned as it is (a document that failed
    is put back in production). One drawn up from a decision that has since been rectified,
    and not yet signed by both parties, is superseded by a new one stating the rectified
    decision."""
    if not can_draw_up.test(actor, dossier):
        raise TransitionForbidden(
            _("Seul un administrateur peut établir la convention de référencement.")
        )
    with transaction.atomic():
        locked = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("service__organisation", "referential_version")
            .filter(pk=dossier.pk)
            .first()
        )
        if locked is None:
            raise TransitionNotAvailable(_("Ce dossier n'existe plus."))
        decision = dossier_latest_decision(locked)
        existing = Convention.objects.current().select_for_update().filter(dossier=locked).first()
        if existing is not None:
            if existing.decision_id == getattr(decision, "pk", None) or existing.is_signed:
                return _relaunch(existing) if existing.pdf_failed else existing
            existing.superseded_at = timezone.now()
            existing._history_user = actor
            existing.save(update_fields=["superseded_at"])
        reason = draw_up_blocker(locked, decision)
        if reason:
            raise TransitionNotAvailable(reason)
        convention = convention_build(dossier=locked, decision=decision, actor=actor)
        convention.save()
        CONVENTION_PDF.dispatch_on_commit(convention.pk)
    return convention


def convention_pending_ids(*, older_than_seconds: float | None = None) -> list[int]:
    """Conventions whose PDF is still to be produced and that nobody touched for that long."""
    return CONVENTION_PDF.stale_ids(older_than_seconds=older_than_seconds)
