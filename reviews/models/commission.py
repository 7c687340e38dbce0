"""Commission sessions: members, the chair, and the agenda of evaluated dossiers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CommissionSession(models.Model):
    title = models.CharField(_("intitulé"), max_length=200)
    date = models.DateField(_("date"))

    class Meta:
        verbose_name = _("séance de la commission")
        verbose_name_plural = _("séances de la commission")
        ordering = ["-date"]

    def __str__(self):
        return self.title


class SessionMember(models.Model):
    session = models.ForeignKey(CommissionSession, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commission_seats"
    )
    is_chair = models.BooleanField(_("président de séance"), default=False)

    class Meta:
        verbose_name = _("membre de séance")
        verbose_name_plural = _("membres de séance")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="unique_session_member"),
            models.UniqueConstraint(
                fields=["session"],
                condition=models.Q(is_chair=True),
                name="one_chair_per_session",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.session})"


class AgendaItem(models.Model):
    session = models.ForeignKey(
        CommissionSession, on_delete=models.CASCADE, related_name="agenda_items"
    )
    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField(_("rang"), default=1)

    class Meta:
        verbose_name = _("point de l'ordre du jour")
        verbose_name_plural = _("ordre du jour")
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "dossier"], name="unique_agenda_item")
        ]

    def __str__(self):
        return f"{self.session} — {self.dossier}"
