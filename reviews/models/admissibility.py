"""What the instructor found missing when declaring a dossier incomplete, one reason a line."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IncompletenessItem(models.Model):
    """One reason of a declaration of incompleteness: on a requirement, or on the whole dossier
    (`requirement` empty). The same lines make the transition's comment (timeline, e-mail)."""

    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.CASCADE, related_name="incompleteness_items"
    )
    transition_log = models.ForeignKey(
        "applications.TransitionLog", on_delete=models.PROTECT, related_name="+"
    )
    requirement = models.ForeignKey(
        "applications.Requirement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exigence"),
    )
    reason = models.TextField(_("motif"))
    position = models.PositiveSmallIntegerField(_("rang"), default=1)

    class Meta:
        verbose_name = _("motif d'incomplétude")
        verbose_name_plural = _("motifs d'incomplétude")
        ordering = ["transition_log", "position"]

    def __str__(self):
        return f"{self.dossier_id} {self.requirement_id or '-'} {self.reason[:40]}"
