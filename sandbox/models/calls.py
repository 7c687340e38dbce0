from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..enums import CallKind, CallOutcome
from .clients import SandboxClient, SandboxHolder


class SandboxCall(models.Model):
    """One call to the sandbox by a dossier's service (an OAuth2 endpoint, later a FHIR API), a
    holder's action, or a change of the client by the editor: what was asked, what the sandbox
    answered and why, for the editor to read. Never a secret, code or token in the summary."""

    client = models.ForeignKey(
        SandboxClient, on_delete=models.PROTECT, related_name="calls", verbose_name=_("client")
    )
    holder = models.ForeignKey(
        SandboxHolder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("titulaire de test"),
    )
    #: The portal account behind a change of the client (none for a call of the service).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    at = models.DateTimeField(_("le"), default=timezone.now)
    kind = models.CharField(_("appel"), max_length=32, choices=CallKind.choices)
    outcome = models.CharField(_("résultat"), max_length=16, choices=CallOutcome.choices)
    method = models.CharField(_("méthode"), max_length=8, blank=True)
    path = models.CharField(_("chemin"), max_length=300, blank=True)
    request_summary = models.TextField(_("requête"), blank=True)
    response_status = models.PositiveSmallIntegerField(_("statut HTTP"), null=True, blank=True)
    verdict = models.TextField(_("verdict"), blank=True)

    class Meta:
        verbose_name = _("appel au bac à sable")
        verbose_name_plural = _("appels au bac à sable")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["client", "-at", "-id"], name="sandbox_call_recent_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.get_outcome_display()}"

    @property
    def outcome_tone(self) -> str:
        return CallOutcome(self.outcome).tone
