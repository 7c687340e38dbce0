"""The append-only audit trail of a dossier's transitions, chained per dossier by an HMAC.

Three layers keep it honest: the ORM refuses to change or delete rows (`AppendOnlyModel`),
database triggers refuse UPDATE and DELETE whatever the client (migration 0004), and each row
carries HMAC-SHA256(AUDIT_HMAC_KEY, row + previous row's MAC), so a row altered, inserted or
re-chained by someone without the key fails `verify_audit`."""

import hashlib
import hmac
import json
from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import DossierState, TransitionName
from .append_only import AppendOnlyError, AppendOnlyManager, AppendOnlyModel, AppendOnlyQuerySet

__all__ = ["AppendOnlyError", "TransitionLog", "chain_mac"]


def chain_payload(
    *, dossier_id, seq, transition, from_state, to_state, actor_id, comment, created_at, prev_hash
) -> bytes:
    """The canonical bytes a row's MAC covers (every column but the MAC itself)."""
    return json.dumps(
        {
            "dossier": dossier_id,
            "seq": seq,
            "transition": transition,
            "from": from_state,
            "to": to_state,
            "actor": actor_id,
            "comment": comment,
            "at": created_at.astimezone(UTC).isoformat(),
            "prev": prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
    ).encode()


def chain_mac(payload: bytes, key: str | None = None) -> str:
    """HMAC-SHA256 of `payload` under AUDIT_HMAC_KEY (64 hex digits)."""
    key = settings.AUDIT_HMAC_KEY if key is None else key
    return hmac.new(key.encode(), payload, hashlib.sha256).hexdigest()


class TransitionLogQuerySet(AppendOnlyQuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        raise AppendOnlyError(
            "Les entrées du journal s'écrivent une à une, chaînées à la précédente "
            "(applications.domain.transitions.append_log)."
        )

    bulk_create.alters_data = True


class TransitionLogManager(AppendOnlyManager.from_queryset(TransitionLogQuerySet)):
    pass


class TransitionLog(AppendOnlyModel):
    """One row per transition: who, when, from, to, comment; `hash` is the HMAC chaining it to
    the previous row of the same dossier, so that any later alteration is detected by
    `verify_audit`."""

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

    objects = TransitionLogManager()

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal des transitions")
        ordering = ["dossier", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "seq"], name="unique_log_seq_per_dossier")
        ]

    def __str__(self):
        return f"{self.dossier_id} #{self.seq} {self.transition}"

    def compute_hash(self, key: str | None = None) -> str:
        """The row's MAC under AUDIT_HMAC_KEY (or `key`)."""
        return chain_mac(
            chain_payload(
                dossier_id=self.dossier_id,
                seq=self.seq,
                transition=self.transition,
                from_state=self.from_state,
                to_state=self.to_state,
                actor_id=self.actor_id,
                comment=self.comment,
                created_at=self.created_at,
                prev_hash=self.prev_hash,
            ),
            key,
        )

    @property
    def from_label(self):
        return DossierState(self.from_state).label if self.from_state else ""

    @property
    def to_label(self):
        return DossierState(self.to_state).label
