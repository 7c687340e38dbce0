"""Checking the audit trail, dossier by dossier, and naming the first broken place.

For every dossier: it has its creation row; seq runs 1, 2, 3… without a gap; each row links to the
previous row's MAC and its own MAC verifies under AUDIT_HMAC_KEY (so a row altered, inserted or
re-chained without the key is caught); each row starts where the previous one arrived; the
dossier's current state is the last row's `to_state` and it did not change state after the last
row was written (rows deleted at the end). Then the database triggers must be in place.

Two streams ordered by dossier id (dossiers, rows) are merged: two queries in all, memory bounded
by one dossier's log. On PostgreSQL the whole check reads one snapshot (REPEATABLE READ) so that a
transition committed meanwhile cannot look like a break.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from itertools import groupby
from operator import attrgetter

from django.db import connection, transaction
from django.utils.translation import ngettext

from ..enums import DossierState
from ..models import Dossier, TransitionLog, audit_triggers

#: A transition stamps `state_changed_at` just before writing its row, in the same transaction.
CLOCK_TOLERANCE = timedelta(seconds=1)


@dataclass
class AuditReport:
    rows: int = 0
    dossiers: int = 0
    broken: str | None = None
    protection: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None and self.protection is None


def _state_label(state: str) -> str:
    try:
        return f"« {DossierState(state).label} »"
    except ValueError:
        return f"« {state} » (inconnu)"


def _check_rows(dossier, rows: list[TransitionLog]) -> tuple[TransitionLog | None, str] | None:
    """The first problem of one dossier's log as (row or None, French description), or None."""
    if not rows:
        return None, "aucune entrée au journal (journal effacé, ligne de création absente)"
    previous = None
    for row in rows:
        expected_seq = 1 if previous is None else previous.seq + 1
        if row.seq != expected_seq:
            if previous is None:
                return row, f"le journal commence au rang {row.seq} : entrées initiales effacées"
            erased = row.seq - expected_seq
            return row, ngettext(
                "rang %(seq)d au lieu de %(expected)d : %(n)d entrée effacée avant",
                "rang %(seq)d au lieu de %(expected)d : %(n)d entrées effacées avant",
                erased,
            ) % {"seq": row.seq, "expected": expected_seq, "n": erased}
        if previous is None and (row.transition != "create" or row.from_state):
            return row, "la première entrée n'est pas la création du dossier"
        expected_prev = "" if previous is None else previous.hash
        if row.prev_hash != expected_prev:
            return row, "lien vers l'entrée précédente rompu"
        if row.compute_hash() != row.hash:
            return row, (
                "empreinte (HMAC) invalide : contenu modifié, ou entrée forgée ou rechaînée "
                "sans la clé du journal"
            )
        if previous is not None and row.from_state != previous.to_state:
            return row, (
                f"part de l'état {_state_label(row.from_state)} alors que l'entrée précédente "
                f"arrivait à {_state_label(previous.to_state)}"
            )
        previous = row
    last = previous
    if dossier.state != last.to_state:
        return last, (
            f"le dossier est {_state_label(dossier.state)} mais sa dernière entrée arrive à "
            f"{_state_label(last.to_state)} : dernières entrées effacées, ou état modifié hors "
            "transition"
        )
    if dossier.state_changed_at and dossier.state_changed_at > last.created_at + CLOCK_TOLERANCE:
        return last, (
            "le dossier a changé d'état après sa dernière entrée : dernières entrées effacées"
        )
    return None


@contextmanager
def _one_snapshot():
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield
    else:
        yield


def verify_audit_chains() -> AuditReport:
    report = AuditReport()
    with _one_snapshot():
        dossiers = (
            Dossier.objects.order_by("pk")
            .only("pk", "reference", "state", "state_changed_at")
            .iterator(chunk_size=2000)
        )
        logs = groupby(
            TransitionLog.objects.order_by("dossier_id", "seq").iterator(chunk_size=2000),
            key=attrgetter("dossier_id"),
        )
        pending = next(logs, None)
        for dossier in dossiers:
            rows = []
            while pending is not None and pending[0] < dossier.pk:  # only without the FK
                pending = next(logs, None)
            if pending is not None and pending[0] == dossier.pk:
                rows = list(pending[1])
                pending = next(logs, None)
            report.dossiers += 1
            problem = _check_rows(dossier, rows)
            if problem is not None:
                row, what = problem
                where = (
                    f" (rang {row.seq}, action « {row.transition} », entrée n° {row.pk})"
                    if row
                    else ""
                )
                report.broken = f"Journal altéré : dossier {dossier.reference}{where} — {what}."
                return report
            report.rows += len(rows)
    absent = audit_triggers.missing(connection)
    if absent:
        report.protection = ngettext(
            "Protection du journal désactivée : %(n)d trigger absent ou désactivé sur %(table)s "
            "(%(names)s) ; la base accepte alors les modifications et effacements.",
            "Protection du journal désactivée : %(n)d triggers absents ou désactivés sur "
            "%(table)s (%(names)s) ; la base accepte alors les modifications et effacements.",
            len(absent),
        ) % {"n": len(absent), "table": audit_triggers.LOG_TABLE, "names": ", ".join(absent)}
    return report
