"""Assertions shared by the tests.

`assert_nothing_changed` is how every forbidden path says "nothing was written": the dossier's row
(its state first), its audit trail, the outbox and the e-mails sent are what they were before the
block, and so is the row count of any other table the test names.
"""

from contextlib import contextmanager

from django.core import mail
from django.db.models import Model, QuerySet

from applications.models import Dossier, TransitionLog
from portal.notifications.models import OutboxMessage


def _label(index, table) -> str:
    if isinstance(table, QuerySet):
        return f"rows of tables[{index}] (a queryset of {table.model.__name__})"
    return f"rows of tables[{index}] ({table.__name__})"


def _count(table) -> int:
    if isinstance(table, QuerySet):
        return table.all().count()  # .all(): a fresh query, not the queryset's result cache
    return table._default_manager.count()


def _snapshot(dossiers, tables, rows) -> dict:
    snapshot = {}
    for dossier in dossiers:
        row = Dossier.objects.filter(pk=dossier.pk).values().first()
        snapshot[f"state of dossier {dossier.pk}"] = row and row["state"]
        snapshot[f"row of dossier {dossier.pk}"] = row
        snapshot[f"audit rows of dossier {dossier.pk}"] = TransitionLog.objects.filter(
            dossier_id=dossier.pk
        ).count()
    if not dossiers:
        snapshot["audit rows"] = TransitionLog.objects.count()
    snapshot["outbox rows"] = OutboxMessage.objects.count()
    snapshot["e-mails sent"] = len(getattr(mail, "outbox", []))
    for index, table in enumerate(tables):
        snapshot[_label(index, table)] = _count(table)
    for instance in rows:
        model = type(instance)
        snapshot[f"row of {model.__name__} {instance.pk}"] = (
            model._default_manager.filter(pk=instance.pk).values().first()
        )
    return snapshot


@contextmanager
def assert_nothing_changed(
    *dossiers: Dossier,
    tables: tuple[type[Model] | QuerySet, ...] = (),
    rows: tuple[Model, ...] = (),
):
    """Fail if the block changes a dossier's row or state, writes an audit row (the dossiers' own,
    or any when no dossier is given) or an outbox row, sends an e-mail, changes the number of rows
    of a model or queryset in `tables`, or changes (or deletes) the row of an instance in `rows`.

        with assert_nothing_changed(dossier, tables=(Vote,)):
            assert client.post(url).status_code == 403
    """
    before = _snapshot(dossiers, tables, rows)
    yield
    after = _snapshot(dossiers, tables, rows)
    changed = [_difference(what, before[what], after[what]) for what in before]
    changed = [line for line in changed if line]
    assert not changed, "a forbidden path wrote something:\n" + "\n".join(changed)


def _difference(what, before, after) -> str:
    if before == after:
        return ""
    if isinstance(before, dict) and isinstance(after, dict):  # a row: only its changed fields
        fields = [key for key in before if before[key] != after.get(key)]
        return f"{what}: " + ", ".join(f"{k} {before[k]!r} → {after.get(k)!r}" for k in fields)
    return f"{what}: {before!r} → {after!r}"
