"""Changes an editor declares on a published service, and the instruction team's qualification.

- `ChangeDeclaration`: one declaration of a dossier (a draft until the editor sends it, then « à
  qualifier » until an instructor qualifies it: editorial, partial re-evaluation or new dossier),
  with the day its qualification is due (`qualification_due_on`, CHANGE_QUALIFICATION_MONTHS
  after it was sent);
- `ChangeItem`: what changed — one item, or several editorial notices bundled — with the
  requirements of the dossier's referential version it touches and the editor's view;
- `ChangeAttachment`: the files that document it, checked like the dossier's evidence;
- `ChangeEvent`: the declaration's states, append-only (who, when, from, to, why);
- `PartialReview`: for a partial re-evaluation, one touched domain, the reviews assignment it
  came from and the expert who evaluates it now, due date and signature;
- `PartialVerdict`: that expert's verdict on one touched requirement;
- `ChangeRequest`: the instruction team asks the editor to declare a change it found unannounced
  (a report's control, a check), within CHANGE_NOTIFY_WEEKS.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from applications.models.append_only import AppendOnlyModel
from portal.accounts.roles import Domain
from reviews.models import Conclusion, VerdictChoice

from .enums import ChangeState, EditorView, RequestState


class ChangeRequest(models.Model):
    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="change_requests"
    )
    control = models.ForeignKey(
        "catalogue.Control",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="change_requests",
    )
    description = models.TextField(_("modification constatée"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("demandée le"))
    due_on = models.DateField(_("à déclarer au plus tard le"))
    state = models.CharField(
        _("état"), max_length=12, choices=RequestState.choices, default=RequestState.OPEN
    )

    class Meta:
        verbose_name = _("demande de déclaration")
        verbose_name_plural = _("demandes de déclaration")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["state", "due_on"], name="change_request_todo_idx")]

    def __str__(self):
        return _("Demande n° %(n)s") % {"n": self.pk}


class ChangeDeclaration(models.Model):
    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="change_declarations"
    )
    request = models.ForeignKey(
        ChangeRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declarations",
        verbose_name=_("en réponse à la demande"),
    )
    state = models.CharField(
        _("état"), max_length=20, choices=ChangeState.choices, default=ChangeState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("rédigée le"), auto_now_add=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    declared_at = models.DateTimeField(_("déclarée le"), null=True, blank=True)
    qualification_due_on = models.DateField(_("à qualifier au plus tard le"), null=True, blank=True)
    qualified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    qualified_at = models.DateTimeField(_("qualifiée le"), null=True, blank=True)
    qualification_reason = models.TextField(_("motif de la qualification"), blank=True)
    #: A partial re-evaluation: the editor updates the touched requirements' answers, then sends
    #: the update, which freezes the dossier's new revision that the experts evaluate.
    update_sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    update_sent_at = models.DateTimeField(_("mise à jour envoyée le"), null=True, blank=True)
    update_revision = models.PositiveIntegerField(
        _("révision de la mise à jour"), null=True, blank=True
    )
    #: The instruction team's closing of a partial re-evaluation, once every domain is signed.
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    closing_reason = models.TextField(_("motif de la clôture"), blank=True)

    class Meta:
        verbose_name = _("modification déclarée")
        verbose_name_plural = _("modifications déclarées")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "qualification_due_on"], name="change_todo_idx"),
        ]

    def __str__(self):
        return _("Modification n° %(n)s") % {"n": self.pk}

    @property
    def qualification_label(self) -> str:
        """How the instruction team qualified it: a closed partial re-evaluation still reads
        « Réévaluation partielle » (its outcome is the state)."""
        if self.state in (ChangeState.ACCEPTED, ChangeState.REJECTED):
            return ChangeState.PARTIAL_REVIEW.label
        return self.get_state_display()

    @property
    def is_bundle(self) -> bool:
        return len(self.items.all()) > 1


class ChangeItem(models.Model):
    declaration = models.ForeignKey(
        ChangeDeclaration, on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField()
    text = models.TextField(_("description de la modification"))
    editor_view = models.CharField(
        _("nature selon l'éditeur"), max_length=12, choices=EditorView.choices
    )
    requirements = models.ManyToManyField(
        "applications.Requirement", related_name="+", verbose_name=_("exigences concernées")
    )

    class Meta:
        verbose_name = _("élément de la modification")
        verbose_name_plural = _("éléments de la modification")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "position"], name="change_item_position")
        ]

    def __str__(self):
        return self.text[:60]


def attachment_path(instance, filename):
    return f"modifications/{instance.declaration_id}/{uuid.uuid4().hex}/{filename}"


class ChangeAttachment(models.Model):
    declaration = models.ForeignKey(
        ChangeDeclaration, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)
    name = models.CharField(_("nom du fichier"), max_length=200)
    kind = models.CharField(_("type"), max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("taille"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("déposée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class ChangeEvent(AppendOnlyModel):
    """One state of a declaration, written once (its sending, its qualification)."""

    declaration = models.ForeignKey(
        ChangeDeclaration, on_delete=models.PROTECT, related_name="events"
    )
    at = models.DateTimeField(_("le"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    from_state = models.CharField(_("de"), max_length=20, choices=ChangeState.choices)
    to_state = models.CharField(_("à"), max_length=20, choices=ChangeState.choices)
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("étape de la modification")
        verbose_name_plural = _("étapes de la modification")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_state} → {self.to_state}"


class PartialReviewQuerySet(models.QuerySet):
    """What the declaration's page reads of its partial reviews (one query each)."""

    def for_page(self):
        return self.select_related("expert").order_by("domain")

    def all_signed(self) -> bool:
        return self.exists() and not self.filter(signed_at__isnull=True).exists()


class PartialReview(models.Model):
    """A touched domain to re-evaluate: `assignment` is the original evaluation's assignment on
    it (where the review came from), `expert` the person who evaluates now (that assignment's
    expert at first, another expert of the domain after a replacement; empty once a
    replacement expert declared a conflict of interest, until the instruction team names
    another). `due_on` is set when the editor's update arrives (`partial_reviews_open`);
    `conflict_declared_at` is when the current expert declared no conflict of interest (the
    assignment's declaration for the original expert): nothing opens before it. Signed
    (`signed_at`, with `conclusion` and `synthesis`), it is read-only."""

    declaration = models.ForeignKey(
        ChangeDeclaration, on_delete=models.PROTECT, related_name="partial_reviews"
    )
    domain = models.CharField(_("domaine"), max_length=40, choices=Domain.choices)
    assignment = models.ForeignKey(
        "reviews.Assignment", on_delete=models.PROTECT, related_name="partial_reviews"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("demandée le"))
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partial_reviews",
        verbose_name=_("expert"),
    )
    conflict_declared_at = models.DateTimeField(
        _("absence de conflit déclarée le"), null=True, blank=True
    )
    due_on = models.DateField(_("à rendre au plus tard le"), null=True, blank=True)
    conclusion = models.CharField(
        _("conclusion"), max_length=20, choices=Conclusion.choices, blank=True
    )
    synthesis = models.TextField(_("synthèse"), blank=True)
    signed_at = models.DateTimeField(_("signée le"), null=True, blank=True)

    history = HistoricalRecords()
    objects = PartialReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("réévaluation partielle")
        verbose_name_plural = _("réévaluations partielles")
        ordering = ["declaration", "domain"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "domain"], name="partial_review_domain")
        ]
        indexes = [models.Index(fields=["expert", "due_on"], name="partial_review_todo_idx")]

    def __str__(self):
        return f"{self.declaration_id} / {self.domain}"

    @property
    def signed(self) -> bool:
        return self.signed_at is not None

    @property
    def cleared(self) -> bool:
        """Its expert declared no conflict of interest: the review is open to them."""
        return self.expert_id is not None and self.conflict_declared_at is not None

    @property
    def overdue(self) -> bool:
        return bool(self.due_on and not self.signed and self.due_on < timezone.localdate())


class PartialVerdict(models.Model):
    """A verdict of a partial re-evaluation on one touched requirement, on the revision the
    editor's update froze; `expert` is who gave it (a replaced expert's verdicts stay, marked
    as theirs). The original evaluation's `reviews.Verdict` is never touched."""

    partial_review = models.ForeignKey(
        PartialReview, on_delete=models.CASCADE, related_name="verdicts"
    )
    requirement = models.ForeignKey(
        "applications.Requirement", on_delete=models.PROTECT, related_name="+"
    )
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("avis"), max_length=20, choices=VerdictChoice.choices)
    comment = models.TextField(_("commentaire"), blank=True)
    revision_number = models.PositiveIntegerField(_("révision"))
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("avis de réévaluation")
        verbose_name_plural = _("avis de réévaluation")
        ordering = ["partial_review", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partial_review", "requirement"], name="partial_verdict_requirement"
            )
        ]

    def __str__(self):
        return f"{self.partial_review_id} / {self.requirement_id}: {self.verdict}"
