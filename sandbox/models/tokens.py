"""django-oauth-toolkit's grant and token models, swapped in (OAUTH2_PROVIDER_*_MODEL settings):
the same fields and behaviour, but their resource owner (`user`) is a fictitious holder, so that
no sandbox token ever stands for a portal account."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import (
    AbstractAccessToken,
    AbstractGrant,
    AbstractIDToken,
    AbstractRefreshToken,
)

from .clients import SandboxHolder


class SandboxGrant(AbstractGrant):
    """An authorization code. Kept once exchanged (`used_at`) rather than deleted, so that a
    second use is recognised and revokes what the first one gave (RFC 6749 § 4.1.2): the
    refresh tokens it opened form the family `token_family`."""

    user = models.ForeignKey(
        SandboxHolder,
        on_delete=models.CASCADE,
        related_name="grants",
        verbose_name=_("titulaire de test"),
    )
    used_at = models.DateTimeField(_("échangé le"), null=True, blank=True)
    token_family = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta(AbstractGrant.Meta):
        verbose_name = _("code d'autorisation")
        verbose_name_plural = _("codes d'autorisation")


class SandboxAccessToken(AbstractAccessToken):
    user = models.ForeignKey(
        SandboxHolder,
        on_delete=models.CASCADE,
        blank=True,
        null=True,
        related_name="access_tokens",
        verbose_name=_("titulaire de test"),
    )

    class Meta(AbstractAccessToken.Meta):
        verbose_name = _("jeton d'accès")
        verbose_name_plural = _("jetons d'accès")


class SandboxRefreshToken(AbstractRefreshToken):
    user = models.ForeignKey(
        SandboxHolder,
        on_delete=models.CASCADE,
        related_name="refresh_tokens",
        verbose_name=_("titulaire de test"),
    )

    class Meta(AbstractRefreshToken.Meta):
        verbose_name = _("jeton de rafraîchissement")
        verbose_name_plural = _("jetons de rafraîchissement")


class SandboxIDToken(AbstractIDToken):
    user = models.ForeignKey(
        SandboxHolder,
        on_delete=models.CASCADE,
        blank=True,
        null=True,
        related_name="id_tokens",
        verbose_name=_("titulaire de test"),
    )

    class Meta(AbstractIDToken.Meta):
        verbose_name = _("jeton d'identité")
        verbose_name_plural = _("jetons d'identité")
