import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from applications.enums import DossierState
from applications.models import TransitionLog
from applications.models.audit import AppendOnlyError
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
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE applications_transitionlog SET comment = %s WHERE id = %s",
            ["commentaire falsifié", target.pk],
        )
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_audit")
    assert f"entrée n° {target.pk}" in str(excinfo.value)
    assert "contenu modifié" in str(excinfo.value)


def test_verify_audit_detects_a_deleted_row():
    dossier, _cast = dossier_in_state(DossierState.EVALUATED)
    victim = TransitionLog.objects.filter(dossier=dossier).order_by("seq")[1]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM applications_transitionlog WHERE id = %s", [victim.pk])
    with pytest.raises(CommandError, match="numéro d'ordre"):
        call_command("verify_audit")


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


def test_timeline_rows_are_chained():
    dossier, cast = dossier_in_state(DossierState.UNDER_EVALUATION)
    logs = list(TransitionLog.objects.filter(dossier=dossier).order_by("seq"))
    assert [log.transition for log in logs] == ["create", "submit", "start_evaluation"]
    assert logs[0].prev_hash == ""
    assert all(b.prev_hash == a.hash for a, b in zip(logs, logs[1:], strict=False))
    assert logs[1].actor == cast.editor
