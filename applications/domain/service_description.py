"""The description of a service: who sees it, writing it, and when it is frozen.

A service's description and orientation are what a filed dossier is evaluated on: once one of its
dossiers has left the draft (and is not closed), both are frozen."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from portal.organisations.models import Organisation

from .. import rules as r
from ..enums import DossierState, MesApi, Region, Theme
from ..models import Dossier, ReferentialVersion, Requirement, Service
from .applicability import latest_version, version_applicability
from .dossiers import CLOSED_STATES
from .orientation import Verdict, eligibility

S = DossierState

#: Dossier states that leave the service open to change: nothing filed yet, or a closed dossier.
UNLOCKED_STATES = (S.DRAFT, *CLOSED_STATES)

#: What an editor writes about a service (everything but its organisation).
DESCRIPTION_FIELDS = (
    "name",
    "short_description",
    "long_description",
    "web_url",
    "ios_url",
    "android_url",
    "price_model",
    "themes",
    "regions",
    "has_connected_devices",
    "connected_devices",
    "is_medical_device",
    "medical_device_class",
    "requests_data_exchange",
    "mes_apis",
)


class ServiceLocked(PermissionDenied):
    """A filed dossier freezes the service; `str(exc)` says which one and why (French)."""


# -- reads ----------------------------------------------------------------------------------------


def services_visible_to(user) -> QuerySet[Service]:
    """The services `user` may open: those of their organisations, for an editor. Any other
    answers 404."""
    if not (user.is_authenticated and user.is_active and r.is_editor.test(user)):
        return Service.objects.none()
    return Service.objects.filter(organisation_id__in=r.user_organisation_ids(user))


def locking_dossier(service: Service, dossiers: list[Dossier] | None = None) -> Dossier | None:
    """The filed, still open dossier that freezes `service`, if any. `dossiers` spares a query
    when the caller already holds the service's dossiers."""
    if dossiers is None:
        return service.dossiers.exclude(state__in=UNLOCKED_STATES).order_by("-created_at").first()
    return next((d for d in dossiers if d.state not in UNLOCKED_STATES), None)


def lock_message(dossier: Dossier) -> str:
    return _(
        "Le dossier %(ref)s de ce service est à l'état « %(state)s » : la description du service "
        "et son questionnaire d'orientation, sur lesquels porte l'évaluation, ne peuvent plus "
        "être modifiés. Pour signaler un changement du service, contactez l'équipe référencement."
    ) % {"ref": dossier.reference, "state": dossier.get_state_display()}


@dataclass
class SectionGroup:
    title: str
    requirements: list[Requirement] = field(default_factory=list)


@dataclass
class DomainGroup:
    code: str
    title: str
    sections: list[SectionGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(s.requirements) for s in self.sections)


def requirements_by_domain(version: ReferentialVersion, service: Service) -> list[DomainGroup]:
    """The requirements of `version` that apply to `service`, grouped by domain then section, in
    the referential's order."""
    applicability = version_applicability(version, service)
    titles = {domain.code: domain.title for domain in applicability.domains}
    groups: dict[str, DomainGroup] = {}
    for requirement in applicability.requirements:
        group = groups.setdefault(
            requirement.domain,
            DomainGroup(
                requirement.domain,
                titles.get(requirement.domain) or requirement.get_domain_display(),
            ),
        )
        if not group.sections or group.sections[-1].title != requirement.section.title:
            group.sections.append(SectionGroup(requirement.section.title))
        group.sections[-1].requirements.append(requirement)
    return list(groups.values())


@dataclass
class ServiceOverview:
    """Everything the service page shows, read in a fixed number of queries."""

    service: Service
    dossiers: list[Dossier]
    verdict: Verdict
    version: ReferentialVersion | None
    domains: list[DomainGroup]
    locked_by: Dossier | None

    @property
    def lock_message(self) -> str:
        return lock_message(self.locked_by) if self.locked_by else ""

    @property
    def dossier_in_progress(self) -> bool:
        return any(d.state not in CLOSED_STATES for d in self.dossiers)

    @property
    def can_create_dossier(self) -> bool:
        return self.verdict.eligible and self.version is not None and not self.dossier_in_progress

    @property
    def labels(self) -> dict[str, str]:
        """The multiple-choice answers as text, in the enums' order."""
        s = self.service
        return {
            name: ", ".join(str(label) for value, label in enum.choices if value in values)
            for name, enum, values in [
                ("themes", Theme, s.themes),
                ("regions", Region, s.regions),
                ("mes_apis", MesApi, s.mes_apis),
            ]
        }


def service_overview(service: Service) -> ServiceOverview:
    dossiers = list(service.dossiers.order_by("-created_at", "-pk"))
    verdict = eligibility(service)
    version = latest_version()
    domains = requirements_by_domain(version, service) if version and verdict.eligible else []
    return ServiceOverview(
        service=service,
        dossiers=dossiers,
        verdict=verdict,
        version=version,
        domains=domains,
        locked_by=locking_dossier(service, dossiers),
    )


# -- writes ---------------------------------------------------------------------------------------


def check_service_editor(actor, organisation_id: int) -> None:
    """Only an editor member of the service's organisation writes about it."""
    if not (r.is_editor.test(actor) and organisation_id in r.user_organisation_ids(actor)):
        raise PermissionDenied(_("Vous n'êtes pas membre de cette organisation."))


def lock_for_change(service: Service) -> Service:
    """Lock the service's row for the current transaction; refuse if a filed dossier freezes it.

    Call inside `transaction.atomic()`."""
    locked = Service.objects.select_for_update().get(pk=service.pk)
    dossier = locking_dossier(locked)
    if dossier is not None:
        raise ServiceLocked(lock_message(dossier))
    return locked


def _ordered(values, choices) -> list[str]:
    """Unique values in the enum's order; unknown ones kept at the end for validation to report."""
    known = [v for v in choices.values if v in values]
    return known + [v for v in dict.fromkeys(values) if v not in choices.values]


def _assign(service: Service, fields: dict) -> None:
    unknown = set(fields) - set(DESCRIPTION_FIELDS)
    if unknown:
        raise TypeError(f"unexpected service fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(service, name, value)
    service.themes = _ordered(service.themes, Theme)
    service.regions = _ordered(service.regions, Region)
    service.mes_apis = _ordered(service.mes_apis, MesApi)


def _validate(service: Service) -> None:
    """The model's checks (URLs, stores, classes, APIs) and those across fields it lacks."""
    errors: dict[str, list] = {}
    try:
        service.full_clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if Region.ALL in service.regions and len(service.regions) > 1:
        errors.setdefault("regions", []).append(
            ValidationError(
                _(
                    "« Toute la France » ne se combine pas avec des régions : cochez soit "
                    "« Toute la France », soit les régions concernées."
                ),
                code="all_and_regions",
            )
        )
    if service.has_connected_devices and not service.connected_devices.strip():
        errors.setdefault("connected_devices", []).append(
            ValidationError(_("Précisez les objets connectés."), code="required")
        )
    if not service.has_connected_devices and service.connected_devices.strip():
        errors.setdefault("connected_devices", []).append(
            ValidationError(
                _("Ne décrivez des objets connectés que si le service y est lié."),
                code="unexpected",
            )
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def service_create(*, actor, organisation: Organisation, **fields) -> Service:
    """Describe a new service of `organisation`; `fields` are among DESCRIPTION_FIELDS.

    Raises ValidationError (by field, French messages) and saves nothing when a check fails."""
    check_service_editor(actor, organisation.pk)
    service = Service(organisation=organisation)
    _assign(service, fields)
    _validate(service)
    service.save()
    return service


def service_update(*, service: Service, actor, **fields) -> Service:
    """Change the description of `service` while no filed dossier freezes it."""
    check_service_editor(actor, service.organisation_id)
    with transaction.atomic():
        locked = lock_for_change(service)
        _assign(locked, fields)
        _validate(locked)
        locked.save()
    return locked
