"""Finding dossiers by reference, service name or organisation name (applications/domain/
dossier_search.py).

PostgreSQL only (SQLite keeps the column empty and searches otherwise):

- the `unaccent` and `pg_trgm` extensions (both trusted since PostgreSQL 13: the database owner
  may create them) and the `french_unaccent` text search configuration — French stemming after
  removing accents. The catalogue creates the same configuration (catalogue 0002), which this
  app may not depend on: both are guarded by IF NOT EXISTS, whichever runs first;
- a `simple_unaccent` configuration (no stemming, accents removed), so that a word typed in
  part still finds the whole word where stemming cut it shorter ("reparat" → "Réparateur",
  whose French stem is "repar");
- `search_vector`, the names of the dossier's service and of its organisation under both
  configurations. The names live in other tables (and are edited by other services), so a
  generated column cannot hold them: database triggers keep the column right whoever writes —
  a dossier inserted or moved to another service, a service or an organisation renamed — and
  every existing row is filled here;
- a GIN index on it, and a trigram GIN index on the upper-cased reference for partial references
  ("2026-K7M", "k7m3"), which Django's `icontains` reads as `UPPER(reference::text) LIKE …`.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION french_unaccent
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END $$
    """,
    """
    DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'simple_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION simple_unaccent (COPY = simple);
            ALTER TEXT SEARCH CONFIGURATION simple_unaccent
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
        END IF;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION applications_dossier_search_vector(service bigint)
    RETURNS tsvector LANGUAGE sql STABLE AS $$
        SELECT to_tsvector('french_unaccent', names) || to_tsvector('simple_unaccent', names)
        FROM (
            SELECT coalesce(s.name, '') || ' ' || coalesce(o.name, '') AS names
            FROM applications_service s
            JOIN organisations_organisation o ON o.id = s.organisation_id
            WHERE s.id = service
        ) AS dossier_names
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION applications_dossier_search_fill() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector := applications_dossier_search_vector(NEW.service_id);
        RETURN NEW;
    END $$
    """,
    # Django writes every column on a full save(): the vector is recomputed then too, never
    # overwritten with what the instance held.
    """
    CREATE TRIGGER applications_dossier_search_fill
    BEFORE INSERT OR UPDATE OF service_id, search_vector ON applications_dossier
    FOR EACH ROW EXECUTE FUNCTION applications_dossier_search_fill()
    """,
    """
    CREATE OR REPLACE FUNCTION applications_service_search_refresh() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE applications_dossier SET search_vector = NULL WHERE service_id = NEW.id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER applications_service_search_refresh
    AFTER UPDATE OF name, organisation_id ON applications_service
    FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name
          OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id)
    EXECUTE FUNCTION applications_service_search_refresh()
    """,
    """
    CREATE OR REPLACE FUNCTION applications_organisation_search_refresh() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE applications_dossier d SET search_vector = NULL
        FROM applications_service s
        WHERE s.id = d.service_id AND s.organisation_id = NEW.id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER applications_organisation_search_refresh
    AFTER UPDATE OF name ON organisations_organisation
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION applications_organisation_search_refresh()
    """,
    # Every existing dossier, through the trigger above.
    "UPDATE applications_dossier SET search_vector = NULL",
    "CREATE INDEX dossier_search_idx ON applications_dossier USING gin (search_vector)",
    """
    CREATE INDEX dossier_reference_trgm_idx ON applications_dossier
    USING gin (upper(reference::text) gin_trgm_ops)
    """,
]
BACKWARD = [
    "DROP INDEX IF EXISTS dossier_reference_trgm_idx",
    "DROP INDEX IF EXISTS dossier_search_idx",
    "DROP TRIGGER IF EXISTS applications_organisation_search_refresh ON organisations_organisation",
    "DROP FUNCTION IF EXISTS applications_organisation_search_refresh()",
    "DROP TRIGGER IF EXISTS applications_service_search_refresh ON applications_service",
    "DROP FUNCTION IF EXISTS applications_service_search_refresh()",
    "DROP TRIGGER IF EXISTS applications_dossier_search_fill ON applications_dossier",
    "DROP FUNCTION IF EXISTS applications_dossier_search_fill()",
    "DROP FUNCTION IF EXISTS applications_dossier_search_vector(bigint)",
    # The extensions and the configurations stay: the catalogue uses them too.
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0007_dossier_documents"),
        ("organisations", "0002_ascii_digits"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="search_vector",
            field=SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
