"""The append-only audit trail of a dossier's transitions, hash-chained per dossier."""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import DossierState, TransitionName
from .append_only import AppendOnlyError, AppendOnlyModel

__all__ = ["AppendOnlyError", "TransitionLog"]


class TransitionLog(AppendOnlyModel):
    """One row per transition: who, when, from, to, comment; `hash` chains it to the previous
    row of the same dossier, so that any later alteration is detected by `verify_audit`."""

    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="transition_logs"
    )
    seq = models.PositiveIntegerField(_("numéro d'ordre"))
    transition = models.CharField(_("action"), max_length=40, choices=TransitionName.choices)
    from_state = models.CharField(_("état de départ"), max_length=32, blank=True)
    to_state = models.CharField(_("état d'arrivée"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    comment = models.TextField(_("commentaire"), blank=True)
    created_at = models.DateTimeField(_("date"))
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal des transitions")
        ordering = ["dossier", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "seq"], name="unique_log_seq_per_dossier")
        ]

    def __str__(self):
        return f"{self.dossier_id} #{self.seq} {self.transition}"

    def compute_hash(self) -> str:
        payload = json.dumps(
            {
                "dossier": self.dossier_id,
                "seq": self.seq,
                "transition": self.transition,
                "from": self.from_state,
                "to": self.to_state,
                "actor": self.actor_id,
                "comment": self.comment,
                "at": self.created_at.astimezone(UTC).isoformat(),
                "prev": self.prev_hash,
            },
            sort_keys=True,
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    @property
    def from_label(self):
        return DossierState(self.from_state).label if self.from_state else ""

    @property
    def to_label(self):
        return DossierState(self.to_state).label
