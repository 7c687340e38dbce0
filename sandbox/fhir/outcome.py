"""What a validation finds and what the sandbox answers: `Issue`, `Verdict`, `OperationOutcome`.

Mon espace santé answers a refused call with an `OperationOutcome` (HTTP 422) listing every
problem, each issue at level « error » with an issue type (`invalid`, `value`,
`not-supported`, `incomplete`…; http://hl7.org/fhir/ValueSet/issue-type) and a diagnostic. The
sandbox does the same, in French, and adds to each issue the FHIRPath-like `expression` of the
element at fault (`Bundle.entry[0].resource.code.coding[0].code`) so that the editor finds it
at once. A body that is not JSON, not a FHIR resource, or not the resource the endpoint takes
is answered 400, with an `OperationOutcome` of its own.

Diagnostics are built at call time with `gettext` (the active language), each saying the rule,
the value expected and the value found (`described`).
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _


class Severity(StrEnum):
    """http://hl7.org/fhir/ValueSet/issue-severity"""

    FATAL = "fatal"
    ERROR = "error"
    WARNING = "warning"
    INFORMATION = "information"


class IssueType(StrEnum):
    """The codes of http://hl7.org/fhir/ValueSet/issue-type used here."""

    STRUCTURE = "structure"
    REQUIRED = "required"
    VALUE = "value"
    INVALID = "invalid"
    CODE_INVALID = "code-invalid"
    NOT_SUPPORTED = "not-supported"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class Issue:
    """One problem. `rule` is a stable name for programs and tests (e.g. `observation.code`);
    `diagnostics` is for people; `expression` is empty only when the body is not JSON."""

    rule: str
    code: IssueType
    diagnostics: str
    expression: str = ""
    severity: Severity = Severity.ERROR

    def as_fhir(self) -> dict[str, Any]:
        issue: dict[str, Any] = {
            "severity": str(self.severity),
            "code": str(self.code),
            "diagnostics": self.diagnostics,
        }
        if self.expression:
            issue["expression"] = [self.expression]
        return issue


@dataclass(frozen=True)
class Verdict:
    """What an endpoint answers: the HTTP status, the JSON body, the issues behind it, and which
    case of the test book the call exercised (`case`, e.g. `measures.body_weight`; `measure` is
    the measure's key when one was recognised, even in a refused call)."""

    status: int
    body: dict[str, Any]
    case: str
    issues: tuple[Issue, ...] = ()
    measure: str | None = None
    #: The `Location` header of a created resource.
    location: str | None = None
    media_type: str = "application/fhir+json"

    @property
    def ok(self) -> bool:
        return self.status < 400

    @property
    def rules(self) -> list[str]:
        return [issue.rule for issue in self.issues]


def operation_outcome(issues: Iterable[Issue]) -> dict[str, Any]:
    return {"resourceType": "OperationOutcome", "issue": [issue.as_fhir() for issue in issues]}


def refused(
    issues: Iterable[Issue], *, case: str, status: int = 422, measure: str | None = None
) -> Verdict:
    issues = tuple(issues)
    if not issues:
        raise ValueError("un refus sans problème")
    return Verdict(
        status=status,
        body=operation_outcome(issues),
        case=case,
        issues=issues,
        measure=measure,
    )


def created(
    resource: dict[str, Any],
    *,
    case: str,
    now: datetime | None = None,
    new_id: Callable[[], str] | None = None,
) -> Verdict:
    """201 Created: the resource as stored, with its new id, version and time."""
    resource_id = (new_id or (lambda: str(uuid.uuid4())))()
    when = (now or timezone.now()).isoformat(timespec="milliseconds")
    meta = {
        **(resource.get("meta") if isinstance(resource.get("meta"), dict) else {}),
        "versionId": "1",
        "lastUpdated": when,
    }
    body = {"resourceType": resource["resourceType"], "id": resource_id, "meta": meta}
    body.update((key, value) for key, value in resource.items() if key not in body)
    return Verdict(
        status=201,
        body=body,
        case=case,
        location=f"{resource['resourceType']}/{resource_id}/_history/1",
    )


class Findings(list):
    """The issues a rule layer collects, in the order it finds them."""

    def fail(self, rule: str, code: IssueType, where: str, text: str, *, expected, found) -> None:
        self.append(Issue(rule, code, described(text, expected=expected, found=found), where))


def merged(rule_issues: Iterable[Issue], structure_issues: Iterable[Issue]) -> list[Issue]:
    """The rule layer's issues, then the base-specification issues on elements no rule already
    spoke about (the rule's message is the more useful of the two)."""
    rule_issues = list(rule_issues)
    spoken = {issue.expression for issue in rule_issues}
    return rule_issues + [
        issue
        for issue in structure_issues
        if issue.expression not in spoken
        and not any(path.startswith(issue.expression + ".") for path in spoken)
    ]


# ---------------------------------------------------------------------------------------------
# Wording
# ---------------------------------------------------------------------------------------------


class Wording(str):
    """Words rather than a value: `described` shows them as they are, not between « »."""


def quoted(value: Any) -> str:
    """A value as the diagnostics show it: « value », « élément absent » when missing, several
    values joined by « ou »; `Wording` as it is."""
    if isinstance(value, Wording):
        return str(value)
    if value is None or value == "" or value == [] or value == ():
        return _("élément absent")
    if isinstance(value, (list, tuple, set, frozenset)):
        values = [quoted(item) for item in value]
        if len(values) == 1:
            return values[0]
        return _("%(values)s ou %(last)s") % {"values": ", ".join(values[:-1]), "last": values[-1]}
    text = str(value)
    if len(text) > 120:
        text = text[:117] + "…"
    return f"«\u00a0{text}\u00a0»"


def described(rule: str, *, expected: Any, found: Any) -> str:
    """A diagnostic: the rule, then what was expected and what was found."""
    return _("%(rule)s Attendu : %(expected)s. Trouvé : %(found)s.") % {
        "rule": rule,
        "expected": quoted(expected),
        "found": quoted(found),
    }


def path(base: str, *parts: str | int) -> str:
    """A FHIRPath-like expression: `path("Bundle", "entry", 0, "resource")` is
    `Bundle.entry[0].resource`."""
    text = base
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text
