"""The sandbox's FHIR endpoints, as Mon espace santé answers them: who is calling, whether they
may, what the validation says (sandbox/fhir/), and the record of the call for the editor.

`fhir_call` takes what the view read from the request and returns a `FhirAnswer` (status,
body, headers) for the view to send, in this order:

1. the bearer access token (RFC 6750), one indexed query by its checksum (tokens are stored
   hashed): none, unknown (never issued, revoked — DOT deletes a revoked access token — or
   deleted with a withdrawn consent) → 401, not recorded (it names no client); expired, or of a
   client that no longer works (closed dossier, no data exchange any more) → 401, recorded;
2. the API's scope: carried by the token, and still asked by the dossier
   (`sandbox.rules.dossier_scopes`) → else 403 `insufficient_scope`;
3. the holder's consent: current, and covering the scope → else 403;
4. the media type (`application/fhir+json`, `application/json`) → else 415;
5. the validation: 400 (not JSON, not the resource), 422 (every issue), 200 / 201.

Every call whose client is known is recorded (`call_record`, kind FHIR), with the test book's
case it exercised (`Verdict.case`; the API's own case when it was refused before any
validation) and the measure. The summary names the resource types and the size of the body,
never the token nor the body's data. The record is the only row a call writes (the sandbox
keeps no FHIR resource): its INSERT is the call's whole transaction, with no BEGIN / COMMIT
round trips around it.

Queries: two — the token with its client, dossier, service, holder and the holder's current
consent (a subquery); the record.

The token is looked up here rather than through django-oauth-toolkit's `OAuthLibCore`
(`validate_bearer_token`) so that each refusal says in French why (expired vs unknown, scope
vs consent) and costs one query; the rules are DOT's (`AccessToken.is_expired`, the checksum).
What the endpoints say about themselves (CapabilityStatement, example): fhir_metadata.py.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..enums import CallKind, CallOutcome, Scope
from ..fhir import (
    Verdict,
    validate_appointment,
    validate_document_reference,
    validate_measures_bundle,
)
from ..fhir.measures_table import BY_KEY as MEASURES_BY_KEY
from ..models import SandboxAccessToken, SandboxConsent
from ..rules import dossier_scopes
from .calls import call_record

FHIR_JSON = "application/fhir+json"
ACCEPTED_MEDIA_TYPES = (FHIR_JSON, "application/json")
#: The realm of the WWW-Authenticate challenges.
REALM = "bac-a-sable-mon-espace-sante"
#: At most this many entries of a Bundle are named in a call's summary.
SUMMARY_ENTRIES = 5


@dataclass(frozen=True)
class Api:
    """One business API of Mon espace santé the sandbox answers."""

    key: str
    scope: str
    #: The resource type the endpoint takes (the measures feed: a transaction Bundle).
    resource_type: str
    #: The test book's case of a call refused before its body was validated.
    case: str
    label: Any
    validate: Callable[[bytes], Verdict]


APIS: dict[str, Api] = {
    api.key: api
    for api in (
        Api(
            "measures",
            Scope.MEASURES.value,
            "Bundle",
            "measures",
            gettext_lazy("Mesures de santé"),
            validate_measures_bundle,
        ),
        Api(
            "documents",
            Scope.DOCUMENTS.value,
            "DocumentReference",
            "documents",
            gettext_lazy("Documents de santé"),
            validate_document_reference,
        ),
        Api(
            "agenda",
            Scope.AGENDA.value,
            "Appointment",
            "agenda",
            gettext_lazy("Agenda"),
            validate_appointment,
        ),
    )
}

#: What each case of the test book is, for the editor (measure cases: the measure's label).
CASE_LABELS = {
    "measures": gettext_lazy("Mesures de santé"),
    "documents": gettext_lazy("Documents de santé"),
    "documents.simplified_publish": gettext_lazy(
        "Documents de santé — publication simplifiée d’un document"
    ),
    "agenda": gettext_lazy("Agenda"),
    "agenda.appointment": gettext_lazy("Agenda — création d’un rendez-vous"),
}


def case_label(case: str, measure: str = "") -> str:
    """`measures.body_weight` → « Mesures de santé — Poids »; an unknown case as it is."""
    if case.startswith("measures.") and (measure or case.split(".", 1)[1]) in MEASURES_BY_KEY:
        known = MEASURES_BY_KEY[measure or case.split(".", 1)[1]]
        return _("Mesures de santé — %(measure)s") % {"measure": known.label}
    return str(CASE_LABELS.get(case, case))


def measure_label(measure: str) -> str:
    known = MEASURES_BY_KEY.get(measure)
    return str(known.label) if known else measure


@dataclass
class FhirAnswer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = FHIR_JSON


def outcome_body(code: str, diagnostics: str) -> dict[str, Any]:
    """An OperationOutcome of one error (`code` from http://hl7.org/fhir/ValueSet/issue-type)."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}],
    }


def _challenge(error: str | None = None, scope: str = "") -> str:
    """RFC 6750 § 3. No error_description (US-ASCII only): the French reason is in the
    OperationOutcome."""
    parts = [f'realm="{REALM}"']
    if error:
        parts.append(f'error="{error}"')
    if scope:
        parts.append(f'scope="{scope}"')
    return "Bearer " + ", ".join(parts)


def bearer_token(authorization: str) -> str | None:
    """The token of an `Authorization: Bearer …` header (the scheme is case-insensitive)."""
    scheme, _sep, value = (authorization or "").strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value or " " in value:
        return None
    return value


def access_token_of(token: str | None) -> SandboxAccessToken | None:
    """The stored access token behind `token` (looked up by its checksum), with its client,
    dossier, service and holder, and the scopes of the holder's current consent
    (`consent_scope`, None without one): one query."""
    if not token:
        return None
    checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
    current_consent = SandboxConsent.objects.filter(
        holder_id=OuterRef("user_id"), withdrawn_at__isnull=True
    ).values("scope")[:1]
    return (
        SandboxAccessToken.objects.select_related("application__dossier__service", "user")
        .annotate(consent_scope=Subquery(current_consent))
        .filter(token_checksum=checksum)
        .first()
    )


def summarize_request(*, method: str, path: str, body: bytes) -> str:
    """`METHOD path`, the token's presence (never its value), the body's size and resource
    types: for a Bundle, its type and up to SUMMARY_ENTRIES entries (type and method)."""
    lines = [f"{method} {path}", _("Authorization: Bearer (masqué)")]
    if not body:
        return "\n".join(lines)
    size = len(body)
    try:
        data = json.loads(body)
    except ValueError:
        lines.append(_("Corps de %(size)s octets, illisible en JSON") % {"size": size})
        return "\n".join(lines)
    if not isinstance(data, dict):
        lines.append(_("Corps de %(size)s octets, sans ressource FHIR") % {"size": size})
        return "\n".join(lines)
    kind = str(data.get("resourceType") or "—")[:40]
    described = kind
    if kind == "Bundle":
        entries = data.get("entry") if isinstance(data.get("entry"), list) else []
        named = []
        for entry in entries[:SUMMARY_ENTRIES]:
            entry = entry if isinstance(entry, dict) else {}
            resource = entry.get("resource") if isinstance(entry.get("resource"), dict) else {}
            request = entry.get("request") if isinstance(entry.get("request"), dict) else {}
            named.append(
                f"{str(resource.get('resourceType') or '—')[:40]} "
                f"({str(request.get('method') or '—')[:8]})"
            )
        if len(entries) > SUMMARY_ENTRIES:
            named.append("…")
        described = f"Bundle {str(data.get('type') or '—')[:30]} : " + (
            ", ".join(named) or _("aucune entrée")
        )
    lines.append(_("%(resource)s — %(size)s octets") % {"resource": described, "size": size})
    return "\n".join(lines)


def verdict_text(verdict: Verdict) -> str:
    """What the editor reads of a validated call: each issue a line, its rule, expression and
    French diagnostic separated by tabs (read back by `SandboxCall.verdict_lines`; the test
    book looks for the rule), or the resources created."""
    if verdict.issues:
        return "\n".join(
            f"{issue.rule}\t{issue.expression}\t{issue.diagnostics}" for issue in verdict.issues
        )
    body = verdict.body
    if body.get("resourceType") == "Bundle":
        created = [
            entry.get("response", {}).get("location", "")
            for entry in body.get("entry", [])
            if isinstance(entry, dict)
        ]
    else:
        created = [f"{body.get('resourceType')}/{body.get('id')}"]
    return _("Accepté. Ressources créées : %(resources)s.") % {"resources": ", ".join(created)}


@dataclass
class _Call:
    api: Api | None
    method: str
    path: str
    body: bytes
    access_token: SandboxAccessToken | None = None

    def record(self, *, status: int, verdict: str, case: str = "", measure: str = "") -> None:
        token = self.access_token
        if token is None or token.application is None:
            return  # a call that names no client belongs to no dossier
        call_record(
            client=token.application,
            kind=CallKind.FHIR,
            outcome=CallOutcome.SUCCESS if 200 <= status < 300 else CallOutcome.REFUSED,
            holder=token.user,
            method=self.method,
            path=self.path,
            request_summary=summarize_request(method=self.method, path=self.path, body=self.body),
            response_status=status,
            verdict=verdict,
            case=case or (self.api.case if self.api else ""),
            measure=measure,
        )

    def refuse(
        self, status: int, rule: str, code: str, diagnostics: str, *, headers: dict | None = None
    ) -> FhirAnswer:
        """Refused before any validation: recorded as a line of `rule` without expression."""
        self.record(status=status, verdict=f"{rule}\t\t{diagnostics}")
        return FhirAnswer(status, outcome_body(code, diagnostics), headers or {})


def _unauthorized(
    call: _Call, rule: str, diagnostics: str, *, error: str | None = "invalid_token"
) -> FhirAnswer:
    return call.refuse(
        401, rule, "login", diagnostics, headers={"WWW-Authenticate": _challenge(error)}
    )


def fhir_call(
    *, api: str, method: str, path: str, authorization: str, content_type: str, body: bytes
) -> FhirAnswer:
    """Answer one call to the FHIR endpoint of `api` (a key of APIS) and record it."""
    return _answer(
        _Call(APIS[api], method, path, body),
        authorization=authorization,
        content_type=content_type,
    )


def _answer(call: _Call, *, authorization: str, content_type: str) -> FhirAnswer:
    api = call.api
    token = bearer_token(authorization)
    if token is None:
        return _unauthorized(
            call,
            "auth.token-missing",
            _(
                "Jeton d’accès manquant : envoyez l’en-tête « Authorization: Bearer <jeton> » "
                "avec le jeton obtenu à l’appariement."
            ),
            error=None if not authorization else "invalid_request",
        )
    call.access_token = access_token_of(token)
    access_token = call.access_token
    if access_token is None:
        return _unauthorized(
            call,
            "auth.token-unknown",
            _("Jeton d’accès inconnu ou révoqué : refaites l’appariement ou rafraîchissez-le."),
        )
    if access_token.is_expired():
        return _unauthorized(
            call,
            "auth.token-expired",
            _("Jeton d’accès expiré : obtenez-en un nouveau avec le jeton de rafraîchissement."),
        )
    client = access_token.application
    if client is None or not client.is_open:
        return _unauthorized(
            call,
            "auth.client-closed",
            _(
                "Le dossier de ce client est clos ou ne demande plus d’échange de données : ses "
                "jetons ne fonctionnent plus."
            ),
        )
    scope = api.scope
    if scope not in access_token.scope.split():
        return call.refuse(
            403,
            "auth.scope",
            "forbidden",
            _(
                "Le jeton d’accès ne porte pas la portée « %(scope)s » que demande l’API "
                "%(api)s : demandez-la lors de l’appariement."
            )
            % {"scope": scope, "api": api.label},
            headers={"WWW-Authenticate": _challenge("insufficient_scope", scope=scope)},
        )
    if scope not in dossier_scopes(client.dossier):
        return call.refuse(
            403,
            "auth.dossier-scope",
            "forbidden",
            _(
                "Le dossier ne demande plus l’API %(api)s : la description du service doit la "
                "demander pour que le bac à sable l’ouvre."
            )
            % {"api": api.label},
            headers={"WWW-Authenticate": _challenge("insufficient_scope", scope=scope)},
        )
    if not access_token.user_id or scope not in (access_token.consent_scope or "").split():
        return call.refuse(
            403,
            "auth.consent",
            "forbidden",
            _(
                "Le titulaire n’a pas consenti au partage de ses données « %(api)s » avec votre "
                "service, ou a retiré son consentement."
            )
            % {"api": api.label},
        )
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type not in ACCEPTED_MEDIA_TYPES:
        return call.refuse(
            415,
            "request.media-type",
            "not-supported",
            _(
                "Type de contenu non pris en charge : « %(found)s ». Attendu : "
                "application/fhir+json (ou application/json)."
            )
            % {"found": media_type or _("aucun")},
        )
    verdict = api.validate(call.body)
    call.record(
        status=verdict.status,
        verdict=verdict_text(verdict),
        case=verdict.case,
        measure=verdict.measure or "",
    )
    headers = {"Location": verdict.location} if verdict.location else {}
    return FhirAnswer(verdict.status, verdict.body, headers, verdict.media_type)


def fhir_method_not_allowed(
    *, method: str, path: str, allowed: tuple[str, ...], authorization: str, api: str | None
) -> FhirAnswer:
    """405 for a method an endpoint does not take, recorded when a known token came with it."""
    call = _Call(APIS.get(api) if api else None, method, path, b"")
    call.access_token = access_token_of(bearer_token(authorization))
    return call.refuse(
        405,
        "request.method",
        "not-supported",
        _("Méthode %(method)s non prise en charge ici. Méthodes acceptées : %(allowed)s.")
        % {"method": method[:8], "allowed": ", ".join(allowed)},
        headers={"Allow": ", ".join(allowed)},
    )
