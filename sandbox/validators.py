"""The redirect URIs an editor may register on a sandbox client: HTTPS anywhere, plain HTTP only
back to the editor's own machine (a native or development client's loopback, RFC 8252 § 7.3),
exact URIs (no wildcard, fragment or credentials), as Mon espace santé's pairing requires."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

#: The hosts a plain-HTTP redirect URI may name: this machine only.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
MAX_REDIRECT_URIS = 10
MAX_URI_LENGTH = 500


def validate_redirect_uri(uri: str) -> None:
    """Raise a ValidationError (French) unless `uri` may be registered as a redirect URI."""
    if len(uri) > MAX_URI_LENGTH:
        raise ValidationError(
            _("L’adresse « %(uri)s » dépasse %(max)s caractères."),
            params={"uri": uri[:60] + "…", "max": MAX_URI_LENGTH},
            code="too_long",
        )
    if any(ch.isspace() for ch in uri) or any(ord(ch) < 32 for ch in uri):
        raise ValidationError(
            _("L’adresse « %(uri)s » contient une espace ou un caractère invisible."),
            params={"uri": uri},
            code="whitespace",
        )
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018  (raises ValueError for a malformed or out-of-range port)
    except ValueError:
        raise ValidationError(
            _("L’adresse « %(uri)s » n’est pas une adresse web valide."),
            params={"uri": uri},
            code="invalid",
        ) from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationError(
            _(
                "L’adresse « %(uri)s » doit être une adresse complète commençant par https:// "
                "(ou http://localhost, http://127.0.0.1 pour un poste de développement)."
            ),
            params={"uri": uri},
            code="scheme",
        )
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        raise ValidationError(
            _(
                "L’adresse « %(uri)s » doit utiliser https:// : le http:// n’est accepté que vers "
                "localhost ou 127.0.0.1."
            ),
            params={"uri": uri},
            code="http_not_loopback",
        )
    if "#" in uri:
        raise ValidationError(
            _("L’adresse « %(uri)s » ne doit pas contenir de fragment (#…)."),
            params={"uri": uri},
            code="fragment",
        )
    if "@" in parts.netloc:
        raise ValidationError(
            _("L’adresse « %(uri)s » ne doit pas contenir d’identifiant ni de mot de passe."),
            params={"uri": uri},
            code="userinfo",
        )
    if "*" in parts.netloc:
        raise ValidationError(
            _("L’adresse « %(uri)s » doit être exacte : les jokers (*) ne sont pas acceptés."),
            params={"uri": uri},
            code="wildcard",
        )


def validate_redirect_uris(uris: list[str]) -> None:
    """Every URI valid, at least one, at most MAX_REDIRECT_URIS; all errors at once."""
    if not uris:
        raise ValidationError(_("Indiquez au moins une adresse de retour."), code="required")
    errors = []
    if len(uris) > MAX_REDIRECT_URIS:
        errors.append(
            ValidationError(
                ngettext(
                    "Indiquez au plus %(max)s adresse de retour.",
                    "Indiquez au plus %(max)s adresses de retour.",
                    MAX_REDIRECT_URIS,
                ),
                params={"max": MAX_REDIRECT_URIS},
                code="too_many",
            )
        )
    for uri in uris:
        try:
            validate_redirect_uri(uri)
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)


def split_redirect_uris(text: str) -> list[str]:
    """The URIs of a text (one per line or separated by spaces), in order, without repeats."""
    return list(dict.fromkeys(text.split()))
