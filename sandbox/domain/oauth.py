"""The sandbox's OAuth2 / OpenID Connect server: django-oauth-toolkit's validator and oauthlib's
server, configured (OAUTH2_PROVIDER["OAUTH2_VALIDATOR_CLASS"], ["OIDC_SERVER_CLASS"]) to mirror
Mon espace santé's pairing:

- the resource owner is the fictitious holder signed in on the sandbox's page, never the portal
  account of the browser (`save_authorization_code`);
- PKCE with S256 only (`SandboxServer`; PKCE_REQUIRED refuses a request without it);
- the scopes of the APIs the dossier requested, and no other (`validate_scopes`);
- an authorization code is exchanged once: a second use revokes what the first gave
  (`validate_code`, RFC 6749 § 4.1.2); refresh tokens rotate, and the reuse of a rotated one
  revokes its whole family (DOT's REFRESH_TOKEN_REUSE_PROTECTION);
- the id_token's `sub` is the holder's fictitious identifier.

Each refusal also tells the call being recorded why (`note_on_call`).
"""

import hashlib

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749 import errors
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import code_challenge_method_s256
from oauthlib.openid import Server

from ..enums import CallKind
from ..models import (
    SandboxAccessToken,
    SandboxClient,
    SandboxGrant,
    SandboxHolder,
    SandboxRefreshToken,
)
from ..rules import dossier_scopes
from .calls import current_call, note_on_call
from .consents import consent_record


class SandboxServer(Server):
    """oauthlib's OpenID Connect server, whose authorization code grants know only the S256
    transformation of PKCE: `plain`, or no method (which means plain), is refused at the
    authorization request (invalid_request), before the holder is asked anything."""

    def __init__(self, request_validator, *args, **kwargs):
        super().__init__(request_validator, *args, **kwargs)
        s256_only = {"S256": code_challenge_method_s256}
        for grant in (
            self.auth_grant,
            self.openid_connect_auth.proxy_target,
            self.openid_connect_hybrid.proxy_target,
        ):
            grant._code_challenge_methods = s256_only


class SandboxOAuth2Validator(OAuth2Validator):
    #: The only claim: the holder's identifier, with the `openid` scope.
    oidc_claim_scope = {"sub": "openid"}

    # -- clients --------------------------------------------------------------------------------
    def _load_application(self, client_id, request):
        client = super()._load_application(client_id, request)
        draft = current_call()
        if draft is not None:
            if client is not None:
                draft.client = client
            elif client_id:
                unusable = SandboxClient.objects.filter(client_id=client_id).first()
                if unusable is not None:
                    draft.client = unusable
                    draft.note(
                        _(
                            "Le dossier est clos ou ne demande plus d’échange de données : son "
                            "client ne fonctionne plus."
                        )
                    )
        return client

    def validate_user(self, username, password, client, request, *args, **kwargs):
        return False  # no password grant: a holder consents on the sandbox's page

    # -- scopes ---------------------------------------------------------------------------------
    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        allowed = dossier_scopes(client.dossier)
        refused = [scope for scope in scopes if scope not in allowed]
        if refused:
            note_on_call(
                _(
                    "Portées refusées : %(refused)s. Le dossier n’ouvre que : %(allowed)s "
                    "(les API de Mon espace santé demandées dans la description du service)."
                )
                % {"refused": " ".join(refused), "allowed": " ".join(allowed)}
            )
            return False
        return True

    # -- authorization codes --------------------------------------------------------------------
    def save_authorization_code(self, client_id, code, request, *args, **kwargs):
        """The code is the fictitious holder's (`sandbox_holder`, put in the credentials by the
        authorization view), never the portal account DOT would take from the request; their
        consent is recorded with it."""
        holder = getattr(request, "sandbox_holder", None)
        if not isinstance(holder, SandboxHolder) or holder.client_id != request.client.pk:
            raise errors.AccessDeniedError(request=request)
        request.user = holder
        super().save_authorization_code(client_id, code, request, *args, **kwargs)
        consent_record(holder=holder, scopes=list(request.scopes))

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        """The grant, locked until the exchange commits (the token view's transaction): a
        concurrent second use waits, then finds it used."""
        draft = current_call()
        if draft is not None:
            draft.kind = CallKind.TOKEN
        grant = (
            SandboxGrant.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(code=code, application=client)
            .first()
        )
        if grant is None:
            return False
        if draft is not None:
            draft.holder = grant.user
        if grant.used_at is not None:
            SandboxRefreshToken.revoke_family(grant.token_family)
            note_on_call(
                _(
                    "Ce code d’autorisation a déjà été échangé : par précaution, les jetons "
                    "obtenus avec lui sont révoqués (RFC 6749, § 4.1.2)."
                )
            )
            return False
        if grant.is_expired():
            note_on_call(_("Code d’autorisation expiré : il s’échange dans la minute."))
            return False
        valid = super().validate_code(client_id, code, client, request, *args, **kwargs)
        if valid:
            request.sandbox_grant = grant
        return valid

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs):
        """Mark the code used instead of deleting it, so that its reuse is recognised."""
        used = SandboxGrant.objects.filter(
            code=code, application=request.client, used_at__isnull=True
        ).update(used_at=timezone.now())
        if not used:
            raise errors.InvalidGrantError(request=request)

    def _create_refresh_token(
        self, request, refresh_token_code, access_token, previous_refresh_token
    ):
        """The first refresh token of a code starts the code's family (its reuse revokes it)."""
        refresh_token = super()._create_refresh_token(
            request, refresh_token_code, access_token, previous_refresh_token
        )
        grant = getattr(request, "sandbox_grant", None)
        if previous_refresh_token is None and grant is not None:
            refresh_token.token_family = grant.token_family
            refresh_token.save(update_fields=["token_family"])
        return refresh_token

    # -- refresh tokens -------------------------------------------------------------------------
    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        draft = current_call()
        if draft is not None:
            draft.kind = CallKind.REFRESH
        checksum = hashlib.sha256(refresh_token.encode("utf-8")).hexdigest()
        known = (
            SandboxRefreshToken.objects.filter(token_checksum=checksum, application=client)
            .select_related("user")
            .order_by(F("revoked").desc(nulls_first=True))
            .first()
        )
        valid = super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
        if known is not None:
            if draft is not None:
                draft.holder = known.user
            if not valid and known.revoked is not None:
                note_on_call(
                    _(
                        "Ce jeton de rafraîchissement a déjà servi ou a été révoqué : par "
                        "précaution, toute sa famille de jetons est révoquée. Le service doit "
                        "demander un nouveau consentement."
                    )
                )
        return valid

    # -- protected resources --------------------------------------------------------------------
    def validate_bearer_token(self, token, scopes, request):
        valid = super().validate_bearer_token(token, scopes, request)
        draft = current_call()
        if valid and draft is not None:
            draft.client = request.client
            draft.holder = request.user
        return valid

    # -- OpenID Connect -------------------------------------------------------------------------
    def get_claim_dict(self, request):
        return {"sub": request.user.test_identifier}

    def get_discovery_claims(self, request):
        return ["sub"]

    def validate_silent_login(self, request):
        return False  # prompt=none: the holder always signs in on the sandbox's page

    def validate_silent_authorization(self, request):
        return False  # ... and consents there


def token_introspect(*, client: SandboxClient | None, token: str | None) -> dict:
    """RFC 7662's answer about `token` for the authenticated `client`: active only if it is an
    access token of that client that has not expired (another client's token, a refresh token or
    an unknown value are all just inactive)."""
    if client is None or not token:
        return {"active": False}
    checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
    access_token = (
        SandboxAccessToken.objects.select_related("user")
        .filter(token_checksum=checksum, application=client)
        .first()
    )
    if access_token is None or not access_token.is_valid():
        return {"active": False}
    answer = {
        "active": True,
        "scope": access_token.scope,
        "client_id": client.client_id,
        "token_type": "Bearer",
        "exp": int(access_token.expires.timestamp()),
        "iat": int(access_token.created.timestamp()),
    }
    if access_token.user is not None:
        answer["sub"] = access_token.user.test_identifier
        answer["username"] = access_token.user.test_identifier
    return answer
