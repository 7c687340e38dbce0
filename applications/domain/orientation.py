"""Eligibility and applicability: what the orientation answers decide."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from ..enums import PriceModel, Purpose
from ..models import Orientation, ReferentialDomain, ReferentialVersion, Requirement, Service
from ..referential.conditions import condition_holds


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


def service_orientation(service: Service) -> Orientation | None:
    try:
        return service.orientation
    except Orientation.DoesNotExist:
        return None


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


def orientation_variables(service: Service) -> dict[str, bool]:
    """The variables applicability conditions are written with (referential/conditions.py)."""
    orientation = service_orientation(service)
    return {
        "uses_ai": bool(orientation and orientation.uses_ai),
        "stores_health_data": bool(orientation and orientation.stores_health_data),
        "has_professional_users": bool(orientation and orientation.has_professional_users),
        "publishes_health_content": bool(orientation and orientation.publishes_health_content),
        "exchanges_data": service.requests_data_exchange,
        "is_medical_device": service.is_medical_device,
        "has_connected_devices": service.has_connected_devices,
        "has_mobile_app": bool(service.ios_url or service.android_url),
        "is_paid": service.price_model not in ("", PriceModel.FREE, PriceModel.REIMBURSED),
    }


def applicable_referential(
    version: ReferentialVersion, service: Service
) -> tuple[list[ReferentialDomain], list[Requirement]]:
    """The domains and requirements of `version` that apply to `service`, in referential order."""
    variables = orientation_variables(service)
    domains = [d for d in version.domains.all() if condition_holds(d.applies_if, variables)]
    codes = {d.code for d in domains}
    requirements = [
        requirement
        for requirement in Requirement.objects.filter(
            version=version, domain__in=codes
        ).select_related("section")
        if condition_holds(requirement.applies_if, variables)
    ]
    return domains, requirements


def applicable_requirements(version: ReferentialVersion, service: Service) -> list[Requirement]:
    return applicable_referential(version, service)[1]


def latest_version() -> ReferentialVersion | None:
    return ReferentialVersion.objects.order_by("-published_on", "-code").first()


@transaction.atomic
def orientation_save(*, service: Service, actor, **answers) -> Orientation:
    """Record the orientation answers of `service`: only an editor of its organisation may, and
    only while no filed dossier freezes the service (raises PermissionDenied / ServiceLocked)."""
    # Imported here: domain/services.py reads eligibility from this module.
    from .services import check_service_editor, lock_for_change

    check_service_editor(actor, service.organisation_id)
    service = lock_for_change(service)
    orientation, _created = Orientation.objects.update_or_create(
        service=service, defaults={**answers, "updated_by": actor}
    )
    return orientation
