"""French full-text search on PostgreSQL: the `unaccent` extension (trusted since PostgreSQL 13:
the database owner may create it), a `french_unaccent` configuration (French stemming after
removing accents, so that "sante" finds "Santé") and a GIN index on the listings' vector.
Nothing on SQLite, whose search is a plain accent-free `contains` (catalogue/domain/search.py)."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION french_unaccent
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END $$
    """,
    "CREATE INDEX listing_search ON catalogue_listing USING gin (search_vector)",
]
BACKWARD = ["DROP INDEX IF EXISTS listing_search"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
