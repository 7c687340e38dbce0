"""Creating the draft dossier of a service (describing one: `domain/service_description.py`)."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import rules as r
from ..enums import DossierState
from ..models import Dossier, Service
from .applicability import latest_version
from .orientation import eligibility
from .transitions import append_log

#: A service may open a new dossier once its previous one is closed.
CLOSED_STATES = (
    DossierState.REFUSED,
    DossierState.WITHDRAWN,
    DossierState.DEREFERENCED,
)

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    suffix = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
    return f"D-{timezone.localdate().year}-{suffix}"


def renewal_comment(renews: Dossier) -> str:
    """The audit comment of a renewal's creation, in French whoever opens it."""
    with translation.override("fr"):
        return _("Renouvellement du dossier %(ref)s.") % {"ref": renews.reference}


def dossier_create(*, actor, service: Service, renews: Dossier | None = None) -> Dossier:
    """Open a draft dossier for an eligible service, on the latest referential version; its
    timeline starts with this creation. `renews`: the published dossier it renews, which may
    stay open beside it (`applications/domain/renewal.py` checks the rest)."""
    if not (r.is_editor.test(actor) and service.organisation_id in r.user_organisation_ids(actor)):
        raise PermissionDenied(_("Vous n'êtes pas membre de cette organisation."))
    verdict = eligibility(service)
    if not verdict.eligible:
        raise ValidationError(verdict.summary)
    version = latest_version()
    if version is None:
        raise ValidationError(_("Aucun référentiel d'exigences n'est chargé : contactez l'équipe."))
    others = service.dossiers.exclude(state__in=CLOSED_STATES)
    if renews is not None:
        others = others.exclude(pk=renews.pk)
    if others.exists():
        raise ValidationError(_("Ce service a déjà un dossier en cours."))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                dossier = Dossier.objects.create(
                    service=service,
                    reference=new_reference(),
                    created_by=actor,
                    referential_version=version,
                    state_changed_at=timezone.now(),
                    renews=renews,
                )
                append_log(
                    dossier=dossier,
                    transition="create",
                    from_state="",
                    to_state=DossierState.DRAFT,
                    actor=actor,
                    comment=renewal_comment(renews) if renews is not None else "",
                )
                return dossier
        except IntegrityError:  # a reference collision: draw another one
            continue
    raise RuntimeError("Impossible d'attribuer une référence de dossier.")


def dossier_record_convention_signed(dossier: Dossier, at) -> None:
    """Record that the dossier's convention is signed by both parties, at `at` (the `publish`
    guard `has_signed_convention` reads it). Called by the conventions app in the transaction
    of the countersignature, which holds the convention's row lock."""
    Dossier.objects.filter(pk=dossier.pk).update(convention_signed_at=at)
    dossier.convention_signed_at = at
