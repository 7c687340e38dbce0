"""The test book (cahier de tests) of Mon espace santé's APIs, as data, and a dossier's answers.

`CASES` lists every test case: the API it belongs to (`pairing`, which every data-exchange
dossier goes through, then one group per API of `Service.mes_apis`), what the service does, and
the result expected — accepted, or refused with a given rule. A case is matched against the
calls the sandbox recorded for the dossier's client (`SandboxCall`):

- pairing cases by the OAuth2 call's `kind` and `outcome` (and, for a consent refused, the
  OAuth2 error the call was answered with, as its verdict says it);
- FHIR cases by the call's `case` (the validation's `Verdict.case`, e.g. `measures.body_weight`)
  and `outcome`; a refusal case may also name the rule that must have refused it (e.g.
  `observation.unit`), looked for in the call's verdict, which lists every problem with its rule.

One case per measure of `sandbox.fhir.measures_table` that Mon espace santé stores, plus the
refusals the guide insists on. When the guides change, `measures_table` changes and the cases
follow. `test_book(dossier)` answers each case with its status (not run / passed / failed) and
the call behind it (the latest one that matched the case's request), in two queries.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from applications.enums import MesApi

from ..enums import CallKind, CallOutcome
from ..fhir import agenda
from ..fhir import documents_table as documents
from ..fhir import measures_table as measures
from ..models import SandboxCall, SandboxClient
from ..rules import dossier_exchanges_data
from .calls import OAUTH_ERRORS

PAIRING = "pairing"


class Expected(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"


class CaseStatus(StrEnum):
    NOT_RUN = "not_run"
    PASSED = "passed"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return str(
            {
                "not_run": _("Non joué"),
                "passed": _("Réussi"),
                "failed": _("Échoué"),
            }[self.value]
        )

    @property
    def tone(self) -> str:
        return {"not_run": "new", "passed": "success", "failed": "error"}[self.value]


API_LABELS = {
    PAIRING: _("Appariement (OAuth2, OpenID Connect)"),
    MesApi.MEASURES.value: MesApi.MEASURES.label,
    MesApi.DOCUMENTS.value: MesApi.DOCUMENTS.label,
    MesApi.AGENDA.value: MesApi.AGENDA.label,
}

#: The guide each API's validation follows, with the version the sandbox implements.
GUIDES = {
    MesApi.MEASURES.value: (measures.GUIDE, measures.GUIDE_VERSION),
    MesApi.DOCUMENTS.value: (documents.GUIDE, documents.GUIDE_VERSION),
    MesApi.AGENDA.value: (agenda.GUIDE, agenda.GUIDE_VERSION),
}


@dataclass(frozen=True)
class Case:
    key: str
    api: str
    label: object
    expected: Expected
    #: Pairing: the OAuth2 call's kind; FHIR: the call's `case`, or a prefix ending in ".".
    kind: str = ""
    case: str = ""
    #: The rule a refusal must come from (in the verdict).
    rule: str = ""
    #: The OAuth2 error a refusal must carry (its French reading is in the verdict).
    oauth_error: str = ""
    rule_label: object = ""

    @property
    def expected_label(self) -> str:
        if self.expected == Expected.ACCEPTED:
            return str(_("Accepté"))
        if self.rule_label:
            return str(_("Refusé : %(rule)s")) % {"rule": self.rule_label}
        return str(_("Refusé"))

    def requests(self, call: SandboxCall) -> bool:
        """Whether `call` is an attempt at this case (whatever its result)."""
        if self.api == PAIRING:
            return call.kind == self.kind
        if call.kind != CallKind.FHIR:
            return False
        if self.case.endswith("."):
            return call.case.startswith(self.case) and call.case not in NON_CREATABLE_CASES
        return call.case == self.case

    def satisfied_by(self, call: SandboxCall) -> bool:
        """Whether `call` shows this case's expected result."""
        if not self.requests(call):
            return False
        if self.expected == Expected.ACCEPTED:
            return call.outcome in (CallOutcome.SUCCESS, CallOutcome.WARNING)
        if call.outcome != CallOutcome.REFUSED:
            return False
        if self.rule and not names_rule(call.verdict, self.rule):
            return False
        return not self.oauth_error or says_oauth_error(call.verdict, self.oauth_error)


def names_rule(verdict: str, rule: str) -> bool:
    return re.search(rf"(?<![\w.-]){re.escape(rule)}(?![\w.-])", verdict or "") is not None


def says_oauth_error(verdict: str, error: str) -> bool:
    """Whether the verdict carries the reading of OAuth2 `error`, in any language of the site
    (the verdict is written in the language of the request that recorded it)."""
    message = OAUTH_ERRORS[error]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            if str(message) in (verdict or ""):
                return True
    return False


NON_CREATABLE_CASES = frozenset(
    f"measures.{measure.key}" for measure in measures.MEASURES if not measure.creatable
)


def _pairing_cases() -> list[Case]:
    return [
        Case(
            "pairing.authorize",
            PAIRING,
            _("Demande d’autorisation avec PKCE S256 et consentement du titulaire de test"),
            Expected.ACCEPTED,
            kind=CallKind.AUTHORIZE,
        ),
        Case(
            "pairing.token",
            PAIRING,
            _("Échange du code d’autorisation contre les jetons (avec le code_verifier)"),
            Expected.ACCEPTED,
            kind=CallKind.TOKEN,
        ),
        Case(
            "pairing.refresh",
            PAIRING,
            _("Renouvellement des jetons par le jeton de rafraîchissement"),
            Expected.ACCEPTED,
            kind=CallKind.REFRESH,
        ),
        Case(
            "pairing.userinfo",
            PAIRING,
            _("Lecture de l’identité du titulaire (userinfo)"),
            Expected.ACCEPTED,
            kind=CallKind.USERINFO,
        ),
        Case(
            "pairing.consent_refused",
            PAIRING,
            _("Consentement refusé par le titulaire de test"),
            Expected.REFUSED,
            kind=CallKind.AUTHORIZE,
            oauth_error="access_denied",
            rule_label=_("accès refusé (access_denied)"),
        ),
        Case(
            "pairing.code_reused",
            PAIRING,
            _("Code d’autorisation utilisé une seconde fois, ou code_verifier incorrect"),
            Expected.REFUSED,
            kind=CallKind.TOKEN,
            oauth_error="invalid_grant",
            rule_label=_("code ou jeton invalide (invalid_grant)"),
        ),
    ]


def _measure_cases() -> list[Case]:
    api = MesApi.MEASURES.value
    cases = [
        Case(
            f"measures.{measure.key}",
            api,
            _("Envoi d’une mesure : %(measure)s") % {"measure": measure.label},
            Expected.ACCEPTED,
            case=f"measures.{measure.key}",
        )
        for measure in measures.MEASURES
        if measure.creatable
    ]
    for measure in measures.MEASURES:
        if not measure.creatable:
            cases.append(
                Case(
                    f"measures.{measure.key}_refused",
                    api,
                    _("Envoi d’une mesure que Mon espace santé calcule lui-même : %(measure)s")
                    % {"measure": measure.label},
                    Expected.REFUSED,
                    case=f"measures.{measure.key}",
                    rule="observation.bmi",
                    rule_label=_("mesure calculée par Mon espace santé (observation.bmi)"),
                )
            )
    cases += [
        Case(
            "measures.wrong_unit",
            api,
            _("Envoi d’une mesure dans une unité que le guide n’admet pas"),
            Expected.REFUSED,
            case="measures.",
            rule="observation.unit",
            rule_label=_("unité UCUM de la mesure (observation.unit)"),
        ),
        Case(
            "measures.wrong_code",
            api,
            _("Envoi d’une mesure avec un code LOINC qui n’est pas celui du profil"),
            Expected.REFUSED,
            case="measures.",
            rule="observation.code",
            rule_label=_("code LOINC de la mesure (observation.code)"),
        ),
        Case(
            "measures.subject_identifier",
            api,
            _("Envoi d’une mesure dont le patient n’est désigné que par une référence"),
            Expected.REFUSED,
            case="measures.",
            rule="observation.subject-identifier",
            rule_label=_("identifiant du patient (observation.subject-identifier)"),
        ),
    ]
    return cases


def _document_cases() -> list[Case]:
    api = MesApi.DOCUMENTS.value
    return [
        Case(
            "documents.simplified_publish",
            api,
            _("Publication d’un document (DocumentReference, document joint en base64)"),
            Expected.ACCEPTED,
            case="documents.simplified_publish",
        ),
        Case(
            "documents.refused",
            api,
            _("Publication d’un document incomplet (une information obligatoire manque)"),
            Expected.REFUSED,
            case="documents.simplified_publish",
            rule_label=_("fiche du document incomplète"),
        ),
    ]


def _agenda_cases() -> list[Case]:
    api = MesApi.AGENDA.value
    return [
        Case(
            "agenda.appointment",
            api,
            _("Création d’un rendez-vous (Appointment)"),
            Expected.ACCEPTED,
            case="agenda.appointment",
        ),
        Case(
            "agenda.refused",
            api,
            _("Création d’un rendez-vous sans statut ou sans participant"),
            Expected.REFUSED,
            case="agenda.appointment",
            rule_label=_("statut et participants du rendez-vous"),
        ),
    ]


def all_cases() -> list[Case]:
    """Every case, pairing first, then the APIs in the order of `MesApi` (built at call time so
    that labels follow the active language)."""
    return _pairing_cases() + _measure_cases() + _document_cases() + _agenda_cases()


def dossier_apis(dossier) -> list[str]:
    """The test book's groups for `dossier`: pairing and each API its service requests."""
    if not dossier_exchanges_data(dossier):
        return []
    requested = set(dossier.service.mes_apis or [])
    return [PAIRING] + [api.value for api in MesApi if api.value in requested]


def dossier_cases(dossier) -> list[Case]:
    apis = dossier_apis(dossier)
    return [case for case in all_cases() if case.api in apis]


@dataclass
class CaseResult:
    case: Case
    status: CaseStatus
    #: The latest call that satisfied the case, else the latest attempt at it.
    call: SandboxCall | None

    @property
    def status_label(self) -> str:
        return self.status.label


@dataclass
class ApiGroup:
    api: str
    label: str
    guide: tuple[str, str] | None
    results: list[CaseResult]

    @property
    def passed_count(self) -> int:
        return sum(1 for result in self.results if result.status == CaseStatus.PASSED)


@dataclass
class TestBook:
    dossier: object
    groups: list[ApiGroup]
    calls_count: int

    @property
    def results(self) -> list[CaseResult]:
        return [result for group in self.groups for result in group.results]

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def passed_count(self) -> int:
        return sum(1 for result in self.results if result.status == CaseStatus.PASSED)

    @property
    def complete(self) -> bool:
        """Every case of the dossier's APIs passed."""
        return bool(self.groups) and self.passed_count == self.total

    @property
    def started(self) -> bool:
        return self.calls_count > 0

    def guide_versions(self) -> dict[str, str]:
        return {group.guide[0]: group.guide[1] for group in self.groups if group.guide}


def guide_versions_of(dossier) -> dict[str, str]:
    """The guide versions of the validation library for the APIs the dossier requests."""
    return {GUIDES[api][0]: GUIDES[api][1] for api in dossier_apis(dossier) if api in GUIDES}


def answer(case: Case, calls: list[SandboxCall]) -> CaseResult:
    """The case's status from `calls` (latest first): passed by the latest call that shows the
    expected result; failed when every attempt at an accepted case was refused. A refusal case
    is passed or not run: a call accepted, or refused for another reason, shows nothing of it."""
    attempt = None
    for call in calls:
        if case.satisfied_by(call):
            return CaseResult(case, CaseStatus.PASSED, call)
        if attempt is None and case.expected == Expected.ACCEPTED and case.requests(call):
            attempt = call
    if attempt is None:
        return CaseResult(case, CaseStatus.NOT_RUN, None)
    return CaseResult(case, CaseStatus.FAILED, attempt)


def test_book(dossier) -> TestBook:
    """Each case of the dossier's APIs with its status and the call behind it: two queries
    (the client, its calls of the kinds the cases read)."""
    cases = dossier_cases(dossier)
    client_id = SandboxClient.objects.filter(dossier=dossier).values_list("pk", flat=True).first()
    calls: list[SandboxCall] = []
    if client_id is not None and cases:
        kinds = {case.kind for case in cases if case.kind} | {CallKind.FHIR}
        calls = list(
            SandboxCall.objects.filter(client_id=client_id, kind__in=kinds).order_by("-at", "-pk")
        )
    groups = []
    for api in dossier_apis(dossier):
        groups.append(
            ApiGroup(
                api=api,
                label=str(API_LABELS[api]),
                guide=GUIDES.get(api),
                results=[answer(case, calls) for case in cases if case.api == api],
            )
        )
    return TestBook(dossier=dossier, groups=groups, calls_count=len(calls))


# pytest would collect `test_book` from a test module's namespace as a test otherwise.
test_book.__test__ = False
TestBook.__test__ = False
