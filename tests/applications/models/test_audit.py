"""The transition log is append-only: through every door of the ORM, and in the database itself."""

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, models, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from applications.enums import DossierState
from applications.models import Dossier, TransitionLog
from applications.models.audit import AppendOnlyError
from tests.applications.audit_tools import LOG, execute, triggers_disabled
from tests.factories.dossiers import dossier_in_state

pytestmark = pytest.mark.django_db


def test_verify_audit_accepts_intact_chains(capsys):
    dossier_in_state(DossierState.PUBLISHED)
    dossier_in_state(DossierState.INCOMPLETE)
    call_command("verify_audit")
    assert "Journal intègre" in capsys.readouterr().out


def test_verify_audit_names_the_row_altered_in_the_database():
    dossier, _cast = dossier_in_state(DossierState.REFUSED)
    target = TransitionLog.objects.filter(dossier=dossier).order_by("seq")[3]
    with triggers_disabled():
        execute(f"UPDATE {LOG} SET comment = %s WHERE id = %s", ["commentaire falsifié", target.pk])
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_audit")
    assert f"entrée n° {target.pk}" in str(excinfo.value)
    assert dossier.reference in str(excinfo.value)
    assert "contenu modifié" in str(excinfo.value)


def test_audit_rows_cannot_be_changed_or_deleted_through_the_orm():
    dossier, _cast = dossier_in_state(DossierState.SUBMITTED)
    log = TransitionLog.objects.filter(dossier=dossier).first()
    log.comment = "autre"
    with pytest.raises(AppendOnlyError):
        log.save()
    with pytest.raises(AppendOnlyError):
        log.delete()
    with pytest.raises(AppendOnlyError):
        TransitionLog.objects.filter(dossier=dossier).update(comment="x")
    with pytest.raises(AppendOnlyError):
        TransitionLog.objects.filter(dossier=dossier).delete()


def test_the_orm_side_doors_are_closed_too():
    dossier, _cast = dossier_in_state(DossierState.SUBMITTED)
    log = TransitionLog.objects.filter(dossier=dossier).first()
    # The base manager (used by Django for related objects) is the append-only one.
    with pytest.raises(AppendOnlyError):
        TransitionLog._base_manager.filter(pk=log.pk).update(comment="x")
    with pytest.raises(AppendOnlyError):
        TransitionLog._base_manager.filter(pk=log.pk).delete()
    # Related managers are built from the default manager.
    with pytest.raises(AppendOnlyError):
        dossier.transition_logs.update(comment="x")
    with pytest.raises(AppendOnlyError):
        dossier.transition_logs.all().delete()
    log.comment = "x"
    with pytest.raises(AppendOnlyError):
        TransitionLog.objects.bulk_update([log], ["comment"])
    forged = TransitionLog(
        dossier=dossier,
        seq=99,
        transition="publish",
        from_state=DossierState.SUBMITTED,
        to_state=DossierState.PUBLISHED,
        created_at=timezone.now(),
        hash="0" * 64,
    )
    with pytest.raises(AppendOnlyError, match="une à une"):
        TransitionLog.objects.bulk_create([forged])
    assert not TransitionLog.objects.filter(seq=99).exists()


def test_a_plain_queryset_reaches_the_database_which_refuses():
    """`models.QuerySet(model=…)` bypasses every manager: the trigger still answers no."""
    dossier, _cast = dossier_in_state(DossierState.SUBMITTED)
    plain = models.QuerySet(model=TransitionLog).filter(dossier=dossier)
    with pytest.raises(IntegrityError, match="ajout seul"), transaction.atomic():
        plain.update(comment="réécrit")
    with pytest.raises(IntegrityError, match="ajout seul"), transaction.atomic():
        plain.delete()
    assert TransitionLog.objects.filter(dossier=dossier).count() == 2
    assert not TransitionLog.objects.filter(comment="réécrit").exists()


@pytest.mark.parametrize(
    "sql",
    [
        f"UPDATE {LOG} SET comment = 'réécrit' WHERE dossier_id = %s",
        f"UPDATE {LOG} SET hash = prev_hash WHERE dossier_id = %s",
        f"DELETE FROM {LOG} WHERE dossier_id = %s",
    ],
)
def test_raw_sql_update_and_delete_fail_with_the_database_error(sql):
    dossier, _cast = dossier_in_state(DossierState.SUBMITTED)
    before = list(
        TransitionLog.objects.filter(dossier=dossier).values_list("seq", "comment", "hash")
    )
    with (
        pytest.raises(IntegrityError, match="ajout seul"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [dossier.pk])
    after = list(
        TransitionLog.objects.filter(dossier=dossier).values_list("seq", "comment", "hash")
    )
    assert after == before


def test_appending_still_works_with_the_triggers_in_place():
    dossier, _cast = dossier_in_state(DossierState.INCOMPLETE)
    assert TransitionLog.objects.filter(dossier=dossier).count() == 3
    call_command("verify_audit")


def test_a_dossier_with_a_log_cannot_be_deleted():
    dossier, _cast = dossier_in_state(DossierState.DRAFT, filled=False)
    with pytest.raises(ProtectedError) as excinfo:
        Dossier.objects.filter(pk=dossier.pk).delete()
    assert any(isinstance(o, TransitionLog) for o in excinfo.value.protected_objects)
    assert Dossier.objects.filter(pk=dossier.pk).exists()


def test_timeline_rows_are_chained():
    dossier, cast = dossier_in_state(DossierState.UNDER_EVALUATION)
    logs = list(TransitionLog.objects.filter(dossier=dossier).order_by("seq"))
    assert [log.transition for log in logs] == ["create", "submit", "start_evaluation"]
    assert logs[0].prev_hash == ""
    assert all(b.prev_hash == a.hash for a, b in zip(logs, logs[1:], strict=False))
    assert logs[1].actor == cast.editor


def test_the_chain_is_keyed_with_the_audit_key_not_a_plain_hash(settings):
    dossier, _cast = dossier_in_state(DossierState.SUBMITTED)
    log = TransitionLog.objects.filter(dossier=dossier).first()
    assert log.hash == log.compute_hash()
    assert log.hash != log.compute_hash(key=settings.SECRET_KEY)
    settings.AUDIT_HMAC_KEY = "another-key-another-key-another-key"
    assert log.hash != log.compute_hash()
