"""Database triggers that make the transition log append-only whatever the client.

Installed by migration applications 0004. The ORM already refuses to change or delete log rows
(`AppendOnlyModel`), but raw SQL, `models.QuerySet(model=TransitionLog).update(...)` or a
database console do not go through it: these triggers refuse every UPDATE and DELETE on the table
and answer an integrity error (PostgreSQL SQLSTATE 23001, SQLite SQLITE_CONSTRAINT_TRIGGER).

Only the owner of the table (or a superuser) can drop or disable them, and `verify_audit` reports
a missing or disabled trigger. TRUNCATE is not guarded: it needs the owner's privilege too, the
test runner's flush relies on it, and `verify_audit` reports the dossiers it would strip of their
log. Beware SQLite: Django alters a table there by rebuilding it, which drops its triggers — a
later migration that alters this table must call `install(schema_editor)` again.
"""

LOG_TABLE = "applications_transitionlog"
PG_FUNCTION = "applications_transitionlog_refuse_change"
PG_TRIGGER = "applications_transitionlog_append_only"
SQLITE_TRIGGERS = {
    "UPDATE": "applications_transitionlog_no_update",
    "DELETE": "applications_transitionlog_no_delete",
}
MESSAGE = "Le journal des transitions est en ajout seul : %s."
VERBS = {"UPDATE": "modification refusée", "DELETE": "effacement refusé"}


def _postgresql_install() -> list[str]:
    return [
        f"""
        CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger
        LANGUAGE plpgsql AS $body$
        BEGIN
            RAISE EXCEPTION 'Le journal des transitions est en ajout seul : % (entrée %).',
                CASE TG_OP WHEN 'UPDATE' THEN 'modification refusée' ELSE 'effacement refusé' END,
                OLD.id
                USING ERRCODE = 'restrict_violation';
        END;
        $body$
        """,
        f"DROP TRIGGER IF EXISTS {PG_TRIGGER} ON {LOG_TABLE}",
        f"""
        CREATE TRIGGER {PG_TRIGGER}
            BEFORE UPDATE OR DELETE ON {LOG_TABLE}
            FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()
        """,
    ]


def _sqlite_install() -> list[str]:
    statements = []
    for operation, name in SQLITE_TRIGGERS.items():
        statements.append(f"DROP TRIGGER IF EXISTS {name}")
        statements.append(
            f"CREATE TRIGGER {name} BEFORE {operation} ON {LOG_TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE % VERBS[operation]}'); END"
        )
    return statements


def statements(vendor: str, *, remove: bool) -> list[str]:
    if vendor == "postgresql":
        if remove:
            return [
                f"DROP TRIGGER IF EXISTS {PG_TRIGGER} ON {LOG_TABLE}",
                f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()",
            ]
        return _postgresql_install()
    if vendor == "sqlite":
        if remove:
            return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS.values()]
        return _sqlite_install()
    raise NotImplementedError(
        f"Pas de triggers d'ajout seul pour la base « {vendor} » : PostgreSQL ou SQLite."
    )


def install(schema_editor) -> None:
    for statement in statements(schema_editor.connection.vendor, remove=False):
        schema_editor.execute(statement, params=None)


def remove(schema_editor) -> None:
    for statement in statements(schema_editor.connection.vendor, remove=True):
        schema_editor.execute(statement, params=None)


def missing(connection) -> list[str]:
    """Names of the expected triggers that are absent or disabled on `connection`."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgenabled <> 'D'",
                [LOG_TABLE],
            )
            present = {row[0] for row in cursor.fetchall()}
            return [name for name in [PG_TRIGGER] if name not in present]
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [LOG_TABLE],
            )
            present = {row[0] for row in cursor.fetchall()}
            return [name for name in SQLITE_TRIGGERS.values() if name not in present]
    return [f"(base « {connection.vendor} » non prise en charge)"]
