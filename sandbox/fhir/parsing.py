"""Reading a request body as a FHIR R4 resource, with fhir.resources' R4B models.

The ANS guides (Mesures de santé 3.1.0, PDSm 3.1.1, GAP 3.0.0) are written for FHIR R4
(4.0.1); fhir.resources 8.3.0 ships R5 and R4B (4.3.0) models, not R4. Differences between R4
and R4B for what the sandbox reads, and what is done about each:

- Elements: Bundle (entry, request with `ifNoneExist`, response), Observation (value[x],
  component, device, effective[x]…), Device (identifier, deviceName, specialization…),
  DocumentReference (content.attachment, content.format, context…), Appointment (participant,
  requestedPeriod…) and Reference (reference, identifier, type, display: how an Observation
  points at its patient by `subject.identifier`) have the same elements in R4 and R4B, with
  the same types and cardinalities: nothing to normalise. `tests/sandbox/fhir/test_parsing.py`
  pins these element lists, so that a fhir.resources that broke the equivalence is seen.
- Data types: R4B adds `CodeableReference` and `RatioRange`, which R4B accepts as an
  extension's value (`valueCodeableReference`, `valueRatioRange`) and R4 does not. R4B would
  let them through: `r4_only_issues` refuses them before anything else looks at the resource.
- Codes: R4B adds `subscription-notification` to Bundle.type; fhir.resources checks no code
  against its value set anyway (a Bundle of type « nonsense » parses), so every code the
  sandbox relies on (Bundle.type, request.method, Observation.status, Appointment.status…) is
  checked by the sandbox's own rules against the R4 value set.
- Errors: a body is parsed with the R4B model only to catch what breaks the base
  specification (an unknown element, a malformed date or decimal, invalid base64…); its
  pydantic errors are translated into issues here (`structure_issues`). They are not enough
  on their own: a missing required element is reported by pydantic only once the other
  elements of the same object are valid (a missing Observation.status goes unreported next to
  a missing Observation.code). Hence the rule layer (measures.py and observation.py,
  documents.py, agenda.py) reads the raw JSON and checks every element Mon espace santé
  requires; its issue wins over pydantic's on the same element (`outcome.merged`).

Cost: fhir.resources imports a data type's model the first time an element of that type is
validated, so a fresh process's first Bundle costs ≈ 0.3 s, the next ones ≈ 1 ms;
`warm_up()` (warm_up.py) pays for that in advance. Memory: fhir.resources and pydantic weigh
≈ 15 MB in a process, so they are imported by the first validation (`_fhir`), never by this
module's import: the portal's other processes (the web workers that serve the pages, Celery,
manage.py) import `sandbox.fhir` for its tables of measures, documents and appointments and
must not pay for the models (`tests/sandbox_fhir/test_lazy_models.py`).
"""

import json
from functools import cache
from typing import Any

from django.utils.translation import gettext as _

from .outcome import Issue, IssueType, Wording, described, path

#: The extension value types R4B has and R4 has not.
R4B_ONLY_VALUES = frozenset({"valueCodeableReference", "valueRatioRange"})


class NotAResource(Exception):
    """The body cannot be read as the FHIR resource expected (answered 400)."""

    def __init__(self, issue: Issue):
        super().__init__(issue.diagnostics)
        self.issue = issue


def load_resource(data: Any, expected: str) -> dict[str, Any]:
    """The body as a dict holding a resource of type `expected`, or `NotAResource`.

    `data` is the raw body (bytes or str) or an already decoded JSON value."""
    if isinstance(data, (bytes, bytearray, str)):
        try:
            data = json.loads(data)
        except UnicodeDecodeError:
            raise NotAResource(
                Issue("body.json", IssueType.STRUCTURE, _("Le corps n'est pas encodé en UTF-8."))
            ) from None
        except json.JSONDecodeError as error:
            raise NotAResource(
                Issue(
                    "body.json",
                    IssueType.STRUCTURE,
                    _(
                        "Le corps n'est pas un JSON valide : %(error)s (ligne %(line)s, "
                        "colonne %(column)s)."
                    )
                    % {"error": error.msg, "line": error.lineno, "column": error.colno},
                )
            ) from None
    if not isinstance(data, dict):
        raise NotAResource(
            Issue(
                "body.resource",
                IssueType.STRUCTURE,
                described(
                    _("Le corps doit être un objet JSON représentant une ressource FHIR."),
                    expected=Wording(_("un objet JSON")),
                    found=Wording(_json_kind(data)),
                ),
                expression="$this",
            )
        )
    resource_type = data.get("resourceType")
    if not isinstance(resource_type, str) or not resource_type:
        raise NotAResource(
            Issue(
                "body.resource-type",
                IssueType.STRUCTURE,
                described(
                    _("Une ressource FHIR déclare son type dans « resourceType »."),
                    expected=expected,
                    found=resource_type,
                ),
                expression="$this.resourceType",
            )
        )
    if resource_type != expected:
        known = model_class(resource_type) is not None
        raise NotAResource(
            Issue(
                "body.resource-type",
                IssueType.NOT_SUPPORTED if known else IssueType.STRUCTURE,
                described(
                    _("Ce point d'accès reçoit une ressource %(expected)s.")
                    % {"expected": expected}
                    if known
                    else _("« %(type)s » n'est pas un type de ressource FHIR R4.")
                    % {"type": resource_type},
                    expected=expected,
                    found=resource_type,
                ),
                expression=f"{resource_type}" if known else "$this.resourceType",
            )
        )
    return data


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return _("un tableau")
    if isinstance(value, str):
        return _("une chaîne de caractères")
    if isinstance(value, bool):
        return _("un booléen")
    if isinstance(value, (int, float)):
        return _("un nombre")
    return _("la valeur null")


@cache
def _fhir():
    """(fhir.resources.R4B's `get_fhir_model_class`, pydantic's `ValidationError`), imported on
    first use (see the module's docstring: memory)."""
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    return get_fhir_model_class, ValidationError


@cache
def model_class(resource_type: str):
    get_fhir_model_class, _error = _fhir()
    try:
        return get_fhir_model_class(resource_type)
    except (KeyError, ValueError):
        return None


def structure_issues(resource: dict[str, Any]) -> list[Issue]:
    """What the R4B model finds wrong in `resource` (a dict with a known resourceType)."""
    resource_type = resource["resourceType"]
    _get, ValidationError = _fhir()  # noqa: N806 (the class, imported on first use)
    try:
        model_class(resource_type).model_validate(resource)
    except ValidationError as error:
        return [_structure_issue(resource_type, detail) for detail in error.errors()]
    except (LookupError, TypeError, ValueError) as error:
        # fhir.resources lets a few through bare (a KeyError for an unknown contained type).
        return [
            Issue(
                "fhir.structure",
                IssueType.STRUCTURE,
                _("La ressource ne peut pas être lue comme une ressource FHIR R4 (%(detail)s).")
                % {"detail": f"{type(error).__name__}: {error}"},
                expression=resource_type,
            )
        ]
    return []


def _structure_issue(resource_type: str, detail: dict[str, Any]) -> Issue:
    where = path(resource_type, *(part for part in detail["loc"] if part != "__root__"))
    kind = detail["type"]
    found = detail.get("input")
    if kind in {"missing", "model_field_validation.missing"}:
        return Issue(
            "fhir.required",
            IssueType.REQUIRED,
            _("Élément obligatoire selon FHIR R4, absent."),
            expression=where,
        )
    if kind == "extra_forbidden":
        return Issue(
            "fhir.unknown-element",
            IssueType.STRUCTURE,
            _("Élément inconnu de FHIR R4 à cet endroit."),
            expression=where,
        )
    if kind == "base64_decode":
        return Issue(
            "fhir.base64",
            IssueType.VALUE,
            described(
                _("La valeur doit être encodée en base64."),
                expected=Wording(_("du base64 valide")),
                found=found if isinstance(found, str) else None,
            ),
            expression=where,
        )
    return Issue(
        "fhir.value",
        IssueType.VALUE,
        described(
            _("Valeur non conforme à son type FHIR R4 (%(detail)s).")
            % {"detail": detail.get("msg", kind).removeprefix("Value error, ")},
            expected=Wording(_("une valeur du type FHIR de l'élément")),
            found=found if isinstance(found, (str, int, float)) else None,
        ),
        expression=where,
    )


def r4_only_issues(value: Any, where: str) -> list[Issue]:
    """Extension values typed with a data type R4 does not have (R4B's CodeableReference and
    RatioRange), anywhere in `value`."""
    issues: list[Issue] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in R4B_ONLY_VALUES:
                issues.append(
                    Issue(
                        "fhir.r4b-only",
                        IssueType.STRUCTURE,
                        described(
                            _("Ce type de donnée n'existe pas en FHIR R4 (il date de R4B)."),
                            expected=Wording(_("un type de valeur d'extension de FHIR R4")),
                            found=key,
                        ),
                        expression=path(where, key),
                    )
                )
            elif isinstance(item, (dict, list)):
                issues.extend(r4_only_issues(item, path(where, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            issues.extend(r4_only_issues(item, f"{where}[{index}]"))
    return issues
