"""What a database owner can do to the transition log, for the tests that play the forger.

Switching the append-only triggers off needs the table owner's rights (PostgreSQL: ALTER TABLE …
DISABLE TRIGGER; SQLite: DROP TRIGGER): the very demonstration that the application alone cannot.
"""

import hashlib
from contextlib import contextmanager

from django.db import connection

from applications.models import audit_triggers
from applications.models.audit import chain_payload

LOG = audit_triggers.LOG_TABLE


def disable_triggers():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE waits for no deferred foreign-key check of this transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {LOG} DISABLE TRIGGER {audit_triggers.PG_TRIGGER}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for statement in audit_triggers.statements(connection.vendor, remove=True):
                cursor.execute(statement)


def enable_triggers():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {LOG} ENABLE TRIGGER {audit_triggers.PG_TRIGGER}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for statement in audit_triggers.statements(connection.vendor, remove=False):
                cursor.execute(statement)


@contextmanager
def triggers_disabled():
    disable_triggers()
    try:
        yield
    finally:
        enable_triggers()


def execute(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def unkeyed_hash(row, prev_hash) -> str:
    """The chain's former scheme (plain SHA-256): what anyone can recompute without the key."""
    return hashlib.sha256(
        chain_payload(
            dossier_id=row.dossier_id,
            seq=row.seq,
            transition=row.transition,
            from_state=row.from_state,
            to_state=row.to_state,
            actor_id=row.actor_id,
            comment=row.comment,
            created_at=row.created_at,
            prev_hash=prev_hash,
        )
    ).hexdigest()
