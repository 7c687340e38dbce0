"""Migration 0004 re-chains a log written under the former unkeyed SHA-256 scheme with the HMAC,
and refuses to seal a chain that is already broken."""

import importlib

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from applications.enums import DossierState
from applications.models import TransitionLog
from tests.applications.audit_tools import LOG, execute, triggers_disabled, unkeyed_hash
from tests.factories.dossiers import dossier_in_state

pytestmark = pytest.mark.django_db

NODE = ("applications", "0004_audit_append_only_hmac")
migration = importlib.import_module("applications.migrations.0004_audit_append_only_hmac")


def as_before_the_migration(dossier):
    """Rewrite the dossier's chain as the former code wrote it (plain SHA-256)."""
    prev = ""
    for row in TransitionLog.objects.filter(dossier=dossier).order_by("seq"):
        digest = unkeyed_hash(row, prev)
        execute(f"UPDATE {LOG} SET prev_hash = %s, hash = %s WHERE id = %s", [prev, digest, row.pk])
        prev = digest


def run(function):
    state_apps = MigrationLoader(connection).project_state(NODE).apps
    with connection.schema_editor() as editor:
        function(state_apps, editor)


def test_old_unkeyed_chains_are_rechained_with_the_hmac():
    dossier, _cast = dossier_in_state(DossierState.EVALUATED)
    other, _cast = dossier_in_state(DossierState.SUBMITTED)
    with triggers_disabled():
        as_before_the_migration(dossier)
        as_before_the_migration(other)
        old = list(TransitionLog.objects.filter(dossier=dossier).values_list("hash", flat=True))
        run(migration.rechain_with_hmac)
    rows = list(TransitionLog.objects.filter(dossier=dossier).order_by("seq"))
    assert all(row.hash == row.compute_hash() for row in rows)
    assert [row.hash for row in rows] != old
    call_command("verify_audit")
    with triggers_disabled():  # and back, for a rollback of the migration
        run(migration.rechain_with_sha256)
    prev = ""
    for row in TransitionLog.objects.filter(dossier=dossier).order_by("seq"):
        assert row.hash == unkeyed_hash(row, prev)
        prev = row.hash


def test_an_old_chain_already_broken_stops_the_migration():
    dossier, _cast = dossier_in_state(DossierState.SUBMITTED)
    target = TransitionLog.objects.filter(dossier=dossier, seq=2).get()
    with triggers_disabled():
        as_before_the_migration(dossier)
        execute(f"UPDATE {LOG} SET comment = 'réécrit' WHERE id = %s", [target.pk])
        with pytest.raises(RuntimeError, match=f"dossier n° {dossier.pk}, rang 2"):
            run(migration.rechain_with_hmac)
    assert TransitionLog.objects.get(pk=target.pk).hash == unkeyed_hash(
        target, TransitionLog.objects.get(dossier=dossier, seq=1).hash
    )
