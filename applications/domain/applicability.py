"""What applies to a dossier: the domains and requirements of its referential version whose
`applies_if` condition holds for its service and orientation — the one source of truth.

Nothing here is hard-coded: a new referential version that adds, drops or conditions a domain
changes the answer with no code change. The module reads only through relations (the dossier's
version — or the latest version for a dossier not yet pinned to one —, the version's domains and
requirements, the service and its orientation) and imports no model, so the models' guards can
use it: at most four queries for the domains, one more for the requirements, whatever the
referential's size. The answer is memoised on the dossier instance, so a page may ask as often
as it likes; a list of dossiers reads it with the list through `with_applicability`."""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist

from ..enums import PriceModel
from ..referential.conditions import condition_holds


def latest_version():
    """The referential version a new dossier is opened on (None when none is loaded)."""
    versions = apps.get_model("applications", "ReferentialVersion").objects
    return versions.order_by("-published_on", "-code").first()


def service_orientation(service):
    """The service's orientation answers, or None when the questionnaire was never opened."""
    try:
        return service.orientation
    except ObjectDoesNotExist:
        return None


def orientation_variables(service) -> dict[str, bool]:
    """The facts applicability conditions are written with (referential/conditions.py)."""
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


@dataclass
class Applicability:
    """What of one version applies for one set of facts: its domains (`ReferentialDomain`, in
    the version's order) and, read on first use, its requirements (with their section)."""

    version: object
    variables: dict[str, bool]
    domains: list
    _requirements: list | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(domain.code for domain in self.domains)

    @property
    def requirements(self) -> list:
        if self._requirements is None:
            self._requirements = (
                [
                    requirement
                    for requirement in self.version.requirements.filter(
                        domain__in=self.codes
                    ).select_related("section")
                    if condition_holds(requirement.applies_if, self.variables)
                ]
                if self.domains
                else []
            )
        return self._requirements


def version_applicability(version, service) -> Applicability:
    """What of `version` applies to `service` (the service page shows it before any dossier)."""
    variables = orientation_variables(service)
    domains = (
        [d for d in version.domains.all() if condition_holds(d.applies_if, variables)]
        if version is not None
        else []
    )
    return Applicability(version, variables, domains)


def dossier_applicability(dossier) -> Applicability:
    """What applies to `dossier`, memoised on the instance (recomputed if its version or the
    facts about its service changed in memory)."""
    key = (dossier.referential_version_id, orientation_variables(dossier.service))
    cached = dossier.__dict__.get("_applicability")
    if cached is not None and cached[0] == key:
        return cached[1]
    version = dossier.referential_version or latest_version()
    applicability = version_applicability(version, dossier.service)
    dossier._applicability = (key, applicability)
    return applicability


def applicable_domains(dossier) -> tuple[str, ...]:
    """The codes of the domains that apply to `dossier`, in its version's order."""
    return dossier_applicability(dossier).codes


def applicable_requirements(dossier) -> list:
    """The requirements that apply to `dossier`, in its version's order, sections loaded."""
    return dossier_applicability(dossier).requirements


def with_applicability(dossiers):
    """A queryset of dossiers read with what `applicable_domains` needs, so that a list of them
    costs two queries however long it is."""
    return dossiers.select_related("service__orientation", "referential_version").prefetch_related(
        "referential_version__domains"
    )
