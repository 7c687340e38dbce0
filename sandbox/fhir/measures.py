"""The health-measure feed: a `transaction` Bundle as Mon espace santé takes it, and its answer.

One Observation (POST, one of the Mesures de santé profiles) and at most one Device (POST,
conditional create with `ifNoneExist`, PhdDevice profile) that the Observation points at.
Every rule of the guide's error table is checked and every problem is listed (not the first
one only); the measures themselves (profile, LOINC code, UCUM unit, components, glucose
types) are data, in measures_table.py. Success: the `transaction-response` Bundle, one
« 201 Created » with its location per created resource.
"""

import re
import uuid
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from . import measures_table as table
from .access import as_dict, as_list, canonical, profiles, text
from .observation import ObservationCheck
from .outcome import Findings, IssueType, Verdict, Wording, merged, path, refused
from .parsing import NotAResource, load_resource, r4_only_issues, structure_issues

CASE = "measures"
#: The guide's rule for ifNoneExist: `identifier=urn:oid:<OID>|<identifier>`.
IF_NONE_EXIST = re.compile(
    r"identifier=urn:oid:[0-9]+(?:\.[0-9]+)+\|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*"
)
FEED_TYPES = ("Observation", "Device")


def validate_measures_bundle(
    data: Any,
    *,
    solution_oid: str | None = None,
    new_id: Callable[[], str] | None = None,
) -> Verdict:
    """Check a feed Bundle (raw body or decoded JSON) and say what Mon espace santé answers.

    `solution_oid`: the OID of the calling solution; when given, an Observation's meta.source
    must be it or one of its sub-OIDs. `new_id` names the created resources (random UUIDs)."""
    try:
        bundle = load_resource(data, "Bundle")
    except NotAResource as error:
        return refused([error.issue], case=CASE, status=400)
    check = _FeedCheck(bundle, solution_oid)
    check.run()
    measure = check.measure
    case = f"{CASE}.{measure.key}" if measure else CASE
    issues = merged(check.issues, r4_only_issues(bundle, "Bundle") + structure_issues(bundle))
    if issues:
        return refused(issues, case=case, measure=measure.key if measure else None)
    return Verdict(
        status=200,
        body=transaction_response(bundle, new_id=new_id),
        case=case,
        measure=measure.key if measure else None,
    )


def transaction_response(bundle: dict[str, Any], *, new_id: Callable[[], str] | None = None):
    """The answer to an accepted feed: per entry, in order, « 201 Created » and a location."""
    new_id = new_id or (lambda: str(uuid.uuid4()))
    return {
        "resourceType": "Bundle",
        "type": "transaction-response",
        "entry": [
            {
                "response": {
                    "status": "201 Created",
                    "location": f"{entry['resource']['resourceType']}/{new_id()}",
                }
            }
            for entry in bundle["entry"]
        ],
    }


class _FeedCheck:
    def __init__(self, bundle: dict[str, Any], solution_oid: str | None):
        self.bundle = bundle
        self.solution_oid = solution_oid
        self.issues = Findings()
        self.fail = self.issues.fail
        self.measure: table.Measure | None = None

    # -- the Bundle ------------------------------------------------------------------------

    def run(self) -> None:
        bundle = self.bundle
        if bundle.get("type") != "transaction":
            self.fail(
                "bundle.type",
                IssueType.INVALID,
                "Bundle.type",
                _("Le flux d'alimentation est un Bundle de type « transaction »."),
                expected="transaction",
                found=bundle.get("type"),
            )
        observations: list[int] = []
        devices: list[int] = []
        for index, entry in enumerate(as_list(bundle.get("entry"))):
            kind = self.entry(index, as_dict(entry))
            if kind == "Observation":
                observations.append(index)
            elif kind == "Device":
                devices.append(index)
        if not observations:
            self.fail(
                "bundle.observation-count",
                IssueType.INVALID,
                "Bundle.entry",
                _("Le Bundle doit contenir une création d'Observation (POST)."),
                expected=Wording(_("une Observation")),
                found=Wording(_("aucune")),
            )
        for extra in observations[1:]:
            self.fail(
                "bundle.observation-count",
                IssueType.INVALID,
                path("Bundle", "entry", extra),
                _("Le Bundle ne contient qu'une Observation : une mesure par appel."),
                expected=Wording(_("une Observation")),
                found=Wording(str(len(observations))),
            )
        for extra in devices[1:]:
            self.fail(
                "bundle.device-count",
                IssueType.INVALID,
                path("Bundle", "entry", extra),
                _("Le Bundle contient au plus un Device : celui qui a pris la mesure."),
                expected=Wording(_("au plus un Device")),
                found=Wording(str(len(devices))),
            )
        for index in devices:
            self.device(index)
        if observations:
            check = ObservationCheck(self.bundle, self.solution_oid, self.issues)
            check.run(observations[0], devices[0] if devices else None)
            self.measure = check.measure

    def entry(self, index: int, entry: dict[str, Any]) -> str | None:
        where = path("Bundle", "entry", index)
        resource = entry.get("resource")
        kind = as_dict(resource).get("resourceType")
        request = entry.get("request")
        method = as_dict(request).get("method")
        if kind not in FEED_TYPES:
            self.fail(
                "bundle.resource-type",
                IssueType.NOT_SUPPORTED,
                path(where, "resource"),
                _(
                    "Le flux n'accepte que des ressources Observation ou Device, créées par POST "
                    "(reçu : %(type)s en %(method)s)."
                )
                % {"type": kind or "—", "method": method or "—"},
                expected=FEED_TYPES,
                found=kind,
            )
            return None
        if kind == "Observation" and not text(entry.get("fullUrl")):
            self.fail(
                "bundle.full-url",
                IssueType.REQUIRED,
                path(where, "fullUrl"),
                _("L'entrée de l'Observation porte un fullUrl (exigé par la validation FHIR)."),
                expected=Wording(_("un identifiant d'entrée, par exemple urn:uuid:…")),
                found=None,
            )
        if not isinstance(request, dict):
            self.fail(
                "bundle.request",
                IssueType.REQUIRED,
                path(where, "request"),
                _("Chaque entrée d'un Bundle de transaction porte sa requête (request)."),
                expected=Wording(_("une requête POST")),
                found=None,
            )
            return kind
        if method != "POST":
            self.fail(
                "bundle.method",
                IssueType.NOT_SUPPORTED,
                path(where, "request", "method"),
                _("Le flux crée ses ressources par POST (reçu : %(type)s en %(method)s).")
                % {"type": kind, "method": method or "—"},
                expected="POST",
                found=method,
            )
        if request.get("url") != kind:
            self.fail(
                "bundle.url",
                IssueType.INVALID,
                path(where, "request", "url"),
                _("L'URL de la requête est le type de la ressource créée."),
                expected=kind,
                found=request.get("url"),
            )
        return kind

    # -- the Device ------------------------------------------------------------------------

    def device(self, index: int) -> None:
        entry = self.bundle["entry"][index]
        where = path("Bundle", "entry", index)
        declared = profiles(entry["resource"])
        if table.PHD_DEVICE not in {canonical(url) for url in declared}:
            self.fail(
                "device.profile",
                IssueType.INVALID,
                path(where, "resource", "meta", "profile"),
                _("Le Device doit déclarer le profil PhdDevice dans meta.profile."),
                expected=table.PHD_DEVICE,
                found=declared,
            )
        condition = as_dict(entry.get("request")).get("ifNoneExist")
        if not isinstance(condition, str) or not IF_NONE_EXIST.fullmatch(condition):
            self.fail(
                "device.if-none-exist",
                IssueType.INVALID,
                path(where, "request", "ifNoneExist"),
                _(
                    "La création du Device est conditionnelle : request.ifNoneExist désigne le "
                    "dispositif par l'OID de la solution et son identifiant."
                ),
                expected="identifier=urn:oid:<OID>|<identifiant>",
                found=condition,
            )
