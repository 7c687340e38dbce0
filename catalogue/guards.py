"""The catalogue's condition on `publish` (named in applications/models/dossier.py)."""

from django.utils.translation import gettext as _

from applications.guards import guard

from .enums import CardState
from .models import Card


@guard
def has_approved_card(dossier) -> str | None:
    """`publish` needs the service's public card approved by the administration."""
    if Card.objects.filter(service_id=dossier.service_id, state=CardState.APPROVED).exists():
        return None
    return _("Impossible de publier : la fiche du catalogue n'a pas été approuvée.")
