"""Commission sessions: members, the chair, the agenda of evaluated dossiers and the votes (one of
the four opinions, or an abstention)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from applications.enums import Opinion


class VoteStatus(models.TextChoices):
    NOT_OPENED = "not_opened", _("Vote non ouvert")
    OPEN = "open", _("Vote ouvert")
    CLOSED = "closed", _("Vote clos")


class Ballot(models.TextChoices):
    """What a member may vote: one of the commission's four opinions, or an abstention (which
    counts for the quorum, not for the majority: reviews/domain/commission.py:vote_result)."""

    FAVORABLE = Opinion.FAVORABLE.value, Opinion.FAVORABLE.label
    FAVORABLE_NON_SUSPENSIVE = (
        Opinion.FAVORABLE_NON_SUSPENSIVE.value,
        Opinion.FAVORABLE_NON_SUSPENSIVE.label,
    )
    FAVORABLE_SUSPENSIVE = Opinion.FAVORABLE_SUSPENSIVE.value, Opinion.FAVORABLE_SUSPENSIVE.label
    UNFAVORABLE = Opinion.UNFAVORABLE.value, Opinion.UNFAVORABLE.label
    ABSTENTION = "abstention", _("Abstention")


class CommissionSession(models.Model):
    title = models.CharField(_("intitulé"), max_length=200)
    date = models.DateField(_("date"))
    quorum_ratio = models.DecimalField(
        _("quorum"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        help_text=_(
            "Part des membres pouvant voter (sans conflit d'intérêts) qui doit avoir pris part "
            "au vote, abstentions comprises, strictement : 0,50 = plus de la moitié."
        ),
    )

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
    present = models.BooleanField(_("présent"), default=True)

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


class AgendaItemQuerySet(models.QuerySet):
    def current(self):
        """The latest item (on a dossier's: `dossier.agenda_items.current()`), or None."""
        return self.select_related("session").order_by("-session__date", "-pk").first()


class AgendaItem(models.Model):
    session = models.ForeignKey(
        CommissionSession, on_delete=models.CASCADE, related_name="agenda_items"
    )
    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField(_("rang"), default=1)
    vote_status = models.CharField(
        _("vote"), max_length=10, choices=VoteStatus.choices, default=VoteStatus.NOT_OPENED
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    quorum_reached = models.BooleanField(null=True)
    result = models.CharField(
        _("avis issu du vote"), max_length=32, choices=Opinion.choices, blank=True
    )
    tally = models.JSONField(_("décompte"), default=dict, blank=True)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("point de l'ordre du jour")
        verbose_name_plural = _("ordre du jour")
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "dossier"], name="unique_agenda_item")
        ]

    def __str__(self):
        return f"{self.session} — {self.dossier}"

    @property
    def vote_is_open(self) -> bool:
        return self.vote_status == VoteStatus.OPEN

    @property
    def vote_is_closed(self) -> bool:
        return self.vote_status == VoteStatus.CLOSED

    @property
    def voted_opinion(self) -> str:
        """The opinion the closed vote gave (with quorum), or "" when there is none yet."""
        return self.result if self.vote_is_closed and self.quorum_reached else ""

    @property
    def needs_new_round(self) -> bool:
        """Closed without an opinion (no quorum, or every voice an abstention): the chair may
        open a new round."""
        return self.vote_is_closed and not self.voted_opinion


class ItemConflict(models.Model):
    """A member's conflict of interest on one agenda item: they do not vote on it."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="conflicts")
    member = models.ForeignKey(SessionMember, on_delete=models.CASCADE, related_name="conflicts")
    details = models.TextField(_("nature du conflit"))
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="one_conflict_per_item_member")
        ]

    def __str__(self):
        return f"{self.member} ⟂ {self.item}"


class Vote(models.Model):
    """One member's vote on one item (an opinion or an abstention); it may change until the chair
    closes the vote."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(SessionMember, on_delete=models.PROTECT, related_name="votes")
    opinion = models.CharField(_("vote"), max_length=32, choices=Ballot.choices)
    comment = models.TextField(_("commentaire"), blank=True)
    cast_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="one_vote_per_member_and_item")
        ]

    def __str__(self):
        return f"{self.member} : {self.opinion}"

    @property
    def is_abstention(self) -> bool:
        return self.opinion == Ballot.ABSTENTION


class ReservationResponse(models.Model):
    """The editor's answer to the commission's suspensive reservations, checked by the
    instructor before lifting them."""

    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.CASCADE, related_name="reservation_responses"
    )
    text = models.TextField(_("réponse aux réserves"))
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("réponse aux réserves")
        verbose_name_plural = _("réponses aux réserves")
        ordering = ["-responded_at"]

    def __str__(self):
        return f"Réponse aux réserves {self.dossier_id}"
