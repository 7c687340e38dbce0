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
    #: A FHIR call: the test book's case it exercised (the validation's `Verdict.case`, e.g.
    #: `measures.body_weight`; the API's own case when the call was refused before any
    #: validation, e.g. `measures`) and the measure recognised (`Verdict.measure`).
    case = models.CharField(_("cas du cahier de tests"), max_length=64, blank=True)
    measure = models.CharField(_("mesure"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("appel au bac à sable")
        verbose_name_plural = _("appels au bac à sable")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["client", "-at", "-id"], name="sandbox_call_recent_idx"),
            # The test book reads a client's FHIR calls by case and outcome.
            models.Index(fields=["client", "case", "outcome"], name="sandbox_call_case_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.get_outcome_display()}"

    @property
    def outcome_tone(self) -> str:
        return CallOutcome(self.outcome).tone

    @property
    def verdict_lines(self) -> list[tuple[str, str, str]]:
        """The verdict, a line each: (rule, expression, text). A FHIR call's refusal stores one
        issue a line, its rule (e.g. `observation.unit`), its FHIRPath-like expression and its
        French diagnostic separated by tabs (sandbox/domain/fhir_api.py); other lines are text
        only."""
        lines = []
        for line in self.verdict.splitlines():
            parts = line.split("\t", 2)
            if len(parts) == 3:
                lines.append((parts[0], parts[1], parts[2]))
            elif line.strip():
                lines.append(("", "", line))
        return lines
