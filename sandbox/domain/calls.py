"""What the sandbox records of each call, for the editor to read on the dossier's sandbox page.

An OAuth2 endpoint's view opens a `CallDraft` (`call_capture`) around django-oauth-toolkit's
processing; the validator (sandbox/domain/oauth.py) fills in what only it learns — the client,
the holder, why it refused — and the view records the call from the response
(`call_record_response`), in the same transaction as what the request wrote. The FHIR endpoints
record theirs with `call_record`. A summary never holds a secret, a code, a verifier or a token:
only that they were sent.
"""

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..enums import CallKind, CallOutcome
from ..models import SandboxCall, SandboxClient, SandboxHolder

#: Parameters shown as they were sent.
SHOWN_PARAMETERS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "code_challenge_method",
    "prompt",
    "grant_type",
    "token_type_hint",
)
#: Parameters whose value is never shown or stored: only that they were sent.
MASKED_PARAMETERS = (
    "state",
    "nonce",
    "code_challenge",
    "code",
    "code_verifier",
    "refresh_token",
    "client_secret",
    "token",
)

#: What each OAuth2 error code means for the editor's service.
OAUTH_ERRORS = {
    "invalid_request": gettext_lazy("Requête incomplète ou mal formée."),
    "invalid_client": gettext_lazy(
        "Client inconnu ou secret incorrect, ou client qui ne fonctionne plus (dossier clos ou "
        "qui ne demande plus d’échange de données)."
    ),
    "invalid_grant": gettext_lazy(
        "Code d’autorisation ou jeton de rafraîchissement inconnu, expiré, déjà utilisé ou "
        "révoqué, ou code_verifier qui ne correspond pas au code_challenge."
    ),
    "unauthorized_client": gettext_lazy(
        "Ce client n’est pas autorisé pour ce type de demande : seul le code d’autorisation "
        "(response_type=code) est accepté."
    ),
    "unsupported_grant_type": gettext_lazy(
        "Type de demande non pris en charge : utilisez grant_type=authorization_code ou "
        "refresh_token."
    ),
    "unsupported_response_type": gettext_lazy("Seul response_type=code est accepté."),
    "invalid_scope": gettext_lazy("Portée inconnue ou que le dossier n’a pas demandée."),
    "access_denied": gettext_lazy("Consentement refusé sur la page du bac à sable."),
    "login_required": gettext_lazy(
        "Connexion nécessaire sur la page du bac à sable, qui demande toujours la connexion et "
        "le consentement (prompt=none refusé)."
    ),
    "consent_required": gettext_lazy("Consentement nécessaire sur la page du bac à sable."),
    "invalid_token": gettext_lazy("Jeton d’accès inconnu, expiré ou révoqué."),
    "insufficient_scope": gettext_lazy("Le jeton d’accès ne porte pas la portée nécessaire."),
    "invalid_target": gettext_lazy("Ressource (paramètre resource) invalide."),
}
#: oauthlib's descriptions of the refusals an editor meets most, said in French.
OAUTH_DESCRIPTIONS = {
    "Code challenge required.": gettext_lazy(
        "PKCE est obligatoire : envoyez code_challenge et code_challenge_method=S256."
    ),
    "Transform algorithm not supported.": gettext_lazy(
        "Seule la méthode PKCE S256 est acceptée : « plain » (ou une méthode absente, qui "
        "vaut plain) est refusée."
    ),
    "Code verifier required.": gettext_lazy(
        "code_verifier manquant : il est obligatoire quand le code a été obtenu avec PKCE."
    ),
    "Mismatching redirect URI.": gettext_lazy(
        "L’adresse de retour n’est pas l’une de celles enregistrées pour ce client."
    ),
    "Missing redirect URI.": gettext_lazy("Adresse de retour (redirect_uri) manquante."),
}


@dataclass
class CallDraft:
    """A call being handled: what the view knows at once, and what the validator adds."""

    kind: str
    method: str = ""
    path: str = ""
    request_summary: str = ""
    client: SandboxClient | None = None
    holder: SandboxHolder | None = None
    notes: list[str] = field(default_factory=list)

    def note(self, text) -> None:
        text = str(text)
        if text not in self.notes:
            self.notes.append(text)


_current: ContextVar[CallDraft | None] = ContextVar("sandbox_call", default=None)


@contextmanager
def call_capture(draft: CallDraft) -> Iterator[CallDraft]:
    """Make `draft` the call the validator reports to while the block runs."""
    token = _current.set(draft)
    try:
        yield draft
    finally:
        _current.reset(token)


def current_call() -> CallDraft | None:
    return _current.get()


def note_on_call(text) -> None:
    """Add a reason to the call being handled (nothing outside a captured call)."""
    draft = current_call()
    if draft is not None:
        draft.note(text)


def summarize_parameters(
    *, method: str, path: str, params: Mapping, basic_auth: bool = False
) -> str:
    """`METHOD path` and the parameters, secrets masked, on one line each."""
    lines = [f"{method} {path}"]
    shown = []
    for name in SHOWN_PARAMETERS:
        if params.get(name):
            shown.append(f"{name}={params.get(name)}")
    for name in MASKED_PARAMETERS:
        if params.get(name):
            shown.append(f"{name}=" + _("(masqué)"))
    if shown:
        lines.append(", ".join(shown))
    if basic_auth:
        lines.append(_("Authentification du client : HTTP Basic"))
    return "\n".join(lines)


def call_record(
    *,
    client: SandboxClient,
    kind: str,
    outcome: str,
    holder: SandboxHolder | None = None,
    actor=None,
    method: str = "",
    path: str = "",
    request_summary: str = "",
    response_status: int | None = None,
    verdict: str = "",
    case: str = "",
    measure: str = "",
) -> SandboxCall:
    """Record one call of `client`'s service (or one change of the client, with `actor`); a
    FHIR call says which case of the test book it exercised (`case`, `measure`)."""
    return SandboxCall.objects.create(
        client=client,
        holder=holder,
        actor=actor,
        kind=kind,
        outcome=outcome,
        method=method[:8],
        path=path[:300],
        request_summary=request_summary,
        response_status=response_status,
        verdict=verdict,
        case=case[:64],
        measure=measure[:32],
    )


def oauth_error_verdict(error: str, description: str = "") -> str:
    """The French reading of an OAuth2 error, and oauthlib's technical detail."""
    parts = [str(OAUTH_ERRORS.get(error, _("Demande refusée.")))]
    if description in OAUTH_DESCRIPTIONS:
        parts.append(str(OAUTH_DESCRIPTIONS[description]))
    elif description:
        parts.append(_("Détail technique : %(detail)s") % {"detail": description})
    return " ".join(parts)


def _outcome_of_redirect(draft: CallDraft, location: str) -> tuple[str, str]:
    query = parse_qs(urlsplit(location).query)
    if "code" in query:
        holder = draft.holder.full_name if draft.holder else _("inconnu")
        return CallOutcome.SUCCESS, _(
            "Code d’autorisation délivré après le consentement donné depuis le profil de test de "
            "%(holder)s ; il s’échange une seule fois, avec le code_verifier."
        ) % {"holder": holder}
    error = query.get("error", [""])[0]
    description = query.get("error_description", [""])[0]
    return CallOutcome.REFUSED, oauth_error_verdict(error, description)


def _outcome_of_json(draft: CallDraft, status: int, content: bytes) -> tuple[str, str]:
    try:
        body = json.loads(content or b"{}")
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    if status >= 400 or "error" in body:
        error = body.get("error") or ""
        if not error and status in (401, 403):  # a bare refusal of the credentials presented
            error = "invalid_token" if draft.kind == CallKind.USERINFO else "invalid_client"
        return CallOutcome.REFUSED, oauth_error_verdict(
            str(error), str(body.get("error_description", ""))
        )
    if draft.kind in (CallKind.TOKEN, CallKind.REFRESH):
        issued = [name for name in ("access_token", "refresh_token", "id_token") if body.get(name)]
        return CallOutcome.SUCCESS, _(
            "Jetons délivrés : %(tokens)s ; portées : %(scopes)s ; le jeton d’accès expire dans "
            "%(seconds)s s."
        ) % {
            "tokens": ", ".join(issued),
            "scopes": body.get("scope", ""),
            "seconds": body.get("expires_in", "?"),
        }
    if draft.kind == CallKind.INTROSPECT:
        if body.get("active"):
            return CallOutcome.SUCCESS, _("Jeton actif ; portées : %(scopes)s.") % {
                "scopes": body.get("scope", "")
            }
        return CallOutcome.SUCCESS, _("Jeton inactif : inconnu, expiré ou révoqué.")
    if draft.kind == CallKind.USERINFO:
        return CallOutcome.SUCCESS, _("Identité lue : sub=%(sub)s.") % {"sub": body.get("sub", "")}
    return CallOutcome.SUCCESS, ""


def call_record_response(draft: CallDraft, response) -> SandboxCall | None:
    """Record the call from the answer a view is about to send, if a client is known (a
    request naming no existing client belongs to no dossier). Redirects record what they
    carry back to the service (a code or an error); a JSON body its tokens or its error; an
    answer of any other kind its status."""
    if draft.client is None:
        return None
    status = response.status_code
    if 300 <= status < 400:
        outcome, verdict = _outcome_of_redirect(draft, response.get("Location", ""))
    elif response.get("Content-Type", "").startswith("application/json") or draft.kind in (
        CallKind.TOKEN,
        CallKind.REFRESH,
        CallKind.INTROSPECT,
        CallKind.USERINFO,
    ):
        outcome, verdict = _outcome_of_json(draft, status, response.content)
    elif status >= 400:
        outcome, verdict = CallOutcome.REFUSED, ""
    else:
        outcome, verdict = CallOutcome.SUCCESS, ""
    if draft.kind == CallKind.REVOKE and status == 200:
        verdict = _(
            "Demande de révocation acceptée (la réponse est la même, que le jeton ait existé ou "
            "non, RFC 7009)."
        )
    verdict = " ".join([verdict, *draft.notes]).strip()
    return call_record(
        client=draft.client,
        kind=draft.kind,
        outcome=outcome,
        holder=draft.holder,
        method=draft.method,
        path=draft.path,
        request_summary=draft.request_summary,
        response_status=status,
        verdict=verdict,
    )
