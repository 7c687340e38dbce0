"""Creating services and their draft dossiers."""

import secrets

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.organisations.models import Organisation

from .. import rules as r
from ..enums import DossierState
from ..models import Dossier, Service
from .transitions import append_log

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    suffix = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
    return f"D-{timezone.localdate().year}-{suffix}"


@transaction.atomic
def service_create(
    *,
    actor,
    organisation: Organisation,
    name: str,
    short_description: str = "",
    requests_data_exchange: bool = False,
) -> Service:
    if not (r.is_editor.test(actor) and organisation.pk in r.user_organisation_ids(actor)):
        raise PermissionDenied(_("Vous n'êtes pas membre de cette organisation."))
    service = Service(
        organisation=organisation,
        name=name,
        short_description=short_description,
        requests_data_exchange=requests_data_exchange,
    )
    service.full_clean()
    service.save()
    return service


def dossier_create(*, actor, service: Service) -> Dossier:
    """Open a draft dossier for the service; its timeline starts with this creation."""
    if not (r.is_editor.test(actor) and service.organisation_id in r.user_organisation_ids(actor)):
        raise PermissionDenied(_("Vous n'êtes pas membre de cette organisation."))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                dossier = Dossier.objects.create(
                    service=service, reference=new_reference(), created_by=actor
                )
                append_log(
                    dossier=dossier,
                    transition="create",
                    from_state="",
                    to_state=DossierState.DRAFT,
                    actor=actor,
                )
                return dossier
        except IntegrityError:  # a reference collision: draw another one
            continue
    raise RuntimeError("Impossible d'attribuer une référence de dossier.")
