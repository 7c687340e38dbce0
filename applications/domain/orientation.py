"""Eligibility: what the orientation answers decide (what applies: `domain/applicability.py`)."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from ..enums import Purpose
from ..models import Orientation, Service
from .applicability import service_orientation


@dataclass
class Verdict:
    answered: bool
    eligible: bool
    reasons: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        if not self.answered:
            return _("Le questionnaire d'orientation n'est pas encore rempli.")
        if self.eligible:
            return _("Éligible au référencement.")
        return _("Non éligible : %(reasons)s.") % {"reasons": " ; ".join(self.reasons)}


def eligibility(service: Service) -> Verdict:
    orientation = service_orientation(service)
    if orientation is None or orientation.targets_users is None:
        return Verdict(answered=False, eligible=False)
    reasons = []
    if not orientation.targets_users:
        reasons.append(_("le service ne s'adresse pas aux usagers"))
    if not set(orientation.purposes) & set(Purpose.values):
        reasons.append(
            _(
                "le service ne concerne ni la prévention, ni le diagnostic, ni le soin, "
                "ni le suivi social ou médico-social"
            )
        )
    return Verdict(answered=True, eligible=not reasons, reasons=reasons)


@transaction.atomic
def orientation_save(*, service: Service, actor, **answers) -> Orientation:
    """Record the orientation answers of `service`: only an editor of its organisation may, and
    only while no filed dossier freezes the service (raises PermissionDenied / ServiceLocked)."""
    # Imported here: domain/service_description.py reads eligibility from this module.
    from .service_description import check_service_editor, lock_for_change

    check_service_editor(actor, service.organisation_id)
    service = lock_for_change(service)
    orientation, _created = Orientation.objects.update_or_create(
        service=service, defaults={**answers, "updated_by": actor}
    )
    return orientation
