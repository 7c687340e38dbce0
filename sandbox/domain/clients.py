"""The editor's services on a dossier's sandbox client: create it, rotate its secret, change its
redirect URIs. Each checks the permission, writes in one transaction and records the change
among the sandbox's calls. A secret is returned in clear once, to be shown once: only its hash
is stored (django-oauth-toolkit hashes it on save)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from oauth2_provider.generators import generate_client_secret

from applications.models import Dossier

from ..enums import CallKind, CallOutcome
from ..models import SandboxClient
from ..rules import can_manage_sandbox
from .calls import call_record
from .exceptions import SandboxError
from .holders import holders_generate


def _check(actor, dossier) -> None:
    if not can_manage_sandbox.test(actor, dossier):
        raise PermissionDenied(_("Vous ne pouvez pas modifier le bac à sable de ce dossier."))


def sandbox_client_create(
    *, dossier: Dossier, actor, redirect_uris: list[str]
) -> tuple[SandboxClient, str]:
    """The dossier's sandbox client, with its fictitious holders, and its secret in clear.

    Raises PermissionDenied, SandboxError (the dossier has its client already) or
    ValidationError (a redirect URI the rules refuse; nothing is saved)."""
    _check(actor, dossier)
    with transaction.atomic():
        dossier = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("service")
            .get(pk=dossier.pk)
        )
        if SandboxClient.objects.filter(dossier=dossier).exists():
            raise SandboxError(_("Ce dossier a déjà son client du bac à sable."), status_code=409)
        secret = generate_client_secret()
        client = SandboxClient(
            dossier=dossier,
            user=actor,
            name=dossier.service.name[:255],
            client_type=SandboxClient.CLIENT_CONFIDENTIAL,
            authorization_grant_type=SandboxClient.GRANT_AUTHORIZATION_CODE,
            algorithm=SandboxClient.RS256_ALGORITHM,
            redirect_uris=" ".join(redirect_uris),
            client_secret=secret,
            hash_client_secret=True,
            skip_authorization=False,
        )
        client.full_clean()
        client.save()
        holders = holders_generate(client=client)
        call_record(
            client=client,
            kind=CallKind.CLIENT_CREATED,
            outcome=CallOutcome.SUCCESS,
            actor=actor,
            verdict=ngettext(
                "Client créé avec %(n)s adresse de retour",
                "Client créé avec %(n)s adresses de retour",
                len(redirect_uris),
            )
            % {"n": len(redirect_uris)}
            + ngettext(
                " et %(h)s profil de test.",
                " et %(h)s profils de test.",
                len(holders),
            )
            % {"h": len(holders)},
        )
    return client, secret


def sandbox_client_rotate_secret(*, client: SandboxClient, actor) -> str:
    """A new secret for `client`, in clear; the previous one stops working at once (tokens
    already issued stay valid, as a secret's rotation does not revoke them)."""
    _check(actor, client.dossier)
    with transaction.atomic():
        client = SandboxClient.objects.select_for_update(of=("self",)).get(pk=client.pk)
        secret = generate_client_secret()
        client.client_secret = secret
        client.secret_rotated_at = timezone.now()
        client.save(update_fields=["client_secret", "secret_rotated_at", "updated"])
        call_record(
            client=client,
            kind=CallKind.SECRET_ROTATED,
            outcome=CallOutcome.SUCCESS,
            actor=actor,
            verdict=_("Nouveau secret généré : le précédent ne fonctionne plus."),
        )
    return secret


def sandbox_client_set_redirect_uris(
    *, client: SandboxClient, actor, redirect_uris: list[str]
) -> SandboxClient:
    """Replace the client's redirect URIs (ValidationError, and nothing saved, if the rules
    refuse one)."""
    _check(actor, client.dossier)
    with transaction.atomic():
        client = SandboxClient.objects.select_for_update(of=("self",)).get(pk=client.pk)
        client.redirect_uris = " ".join(redirect_uris)
        client.full_clean(exclude=["client_secret"])
        client.save(update_fields=["redirect_uris", "updated"])
        call_record(
            client=client,
            kind=CallKind.REDIRECT_URIS_CHANGED,
            outcome=CallOutcome.SUCCESS,
            actor=actor,
            request_summary="\n".join(redirect_uris),
            verdict=ngettext(
                "%(n)s adresse de retour enregistrée.",
                "%(n)s adresses de retour enregistrées.",
                len(redirect_uris),
            )
            % {"n": len(redirect_uris)},
        )
    return client
