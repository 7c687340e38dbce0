"""`verify_audit` finds every way a database owner could rewrite the log, and names the place.

Each test plays the forger: it switches the append-only triggers off (only the table owner can),
rewrites the log with raw SQL, switches them back on, then runs the command."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from django.utils import timezone

from applications.enums import DossierState
from applications.models import TransitionLog
from catalogue.domain import publication
from tests.applications.audit_tools import (
    LOG,
    disable_triggers,
    execute,
    triggers_disabled,
    unkeyed_hash,
)
from tests.factories.dossiers import dossier_in_state, measure_fields

pytestmark = pytest.mark.django_db


def rows(dossier):
    return list(TransitionLog.objects.filter(dossier=dossier).order_by("seq"))


def broken_message() -> str:
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_audit")
    return str(excinfo.value)


def set_state(dossier, state):
    execute("UPDATE applications_dossier SET state = %s WHERE id = %s", [state, dossier.pk])


def test_an_intact_log_passes_and_exits_zero(capsys):
    dossier_in_state(DossierState.PUBLISHED)
    dossier_in_state(DossierState.DRAFT, filled=False)
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "Journal intègre" in out
    assert "sur 2 dossiers." in out


def test_a_break_exits_with_a_non_zero_status(capsys):
    dossier, _cast = dossier_in_state(DossierState.SUBMITTED)
    set_state(dossier, DossierState.PUBLISHED)
    with pytest.raises(SystemExit) as excinfo:
        ManagementUtility(["manage.py", "verify_audit"]).execute()
    assert excinfo.value.code == 1
    assert dossier.reference in capsys.readouterr().err


def test_altered_row_is_named():
    dossier, _cast = dossier_in_state(DossierState.EVALUATED)
    target = rows(dossier)[2]
    with triggers_disabled():
        execute(f"UPDATE {LOG} SET comment = 'Rien à signaler.' WHERE id = %s", [target.pk])
    message = broken_message()
    assert f"dossier {dossier.reference} (rang 3, action « {target.transition} »" in message
    assert "contenu modifié" in message


def test_deleted_middle_row_is_named():
    dossier, _cast = dossier_in_state(DossierState.EVALUATED)
    victim = rows(dossier)[1]
    with triggers_disabled():
        execute(f"DELETE FROM {LOG} WHERE id = %s", [victim.pk])
    message = broken_message()
    assert f"dossier {dossier.reference} (rang 3" in message
    assert "rang 3 au lieu de 2 : 1 entrée effacée avant" in message


def test_deleted_first_row_is_named():
    dossier, _cast = dossier_in_state(DossierState.SUBMITTED)
    with triggers_disabled():
        execute(f"DELETE FROM {LOG} WHERE dossier_id = %s AND seq = 1", [dossier.pk])
    assert "le journal commence au rang 2" in broken_message()


def test_deleted_last_rows_are_caught_by_the_dossier_state():
    """The seq stays contiguous and every MAC verifies: only the state tells."""
    dossier, _cast = dossier_in_state(DossierState.IN_COMMISSION)
    with triggers_disabled():
        execute(f"DELETE FROM {LOG} WHERE dossier_id = %s AND seq > 3", [dossier.pk])
    message = broken_message()
    assert f"dossier {dossier.reference} (rang 3" in message
    assert "le dossier est « En commission » mais sa dernière entrée arrive à" in message
    assert "dernières entrées effacées" in message


def test_deleted_last_rows_ending_on_the_same_state_are_caught_by_the_date(time_machine):
    """Published → suspended → published: cut the last two rows and the state still matches."""
    dossier, cast = dossier_in_state(DossierState.SUSPENDED)
    time_machine.move_to(timezone.now() + timedelta(hours=2))
    dossier = publication.dossier_reinstate(
        dossier=dossier, actor=cast.admin, comment="Levée.", **measure_fields("reinstate")
    )
    assert dossier.state == DossierState.PUBLISHED
    call_command("verify_audit")  # intact so far
    last_seq = rows(dossier)[-1].seq
    with triggers_disabled():
        execute(
            f"DELETE FROM {LOG} WHERE dossier_id = %s AND seq >= %s", [dossier.pk, last_seq - 1]
        )
    message = broken_message()
    assert dossier.reference in message
    assert "a changé d'état après sa dernière entrée" in message


def test_whole_log_deleted_is_named():
    intact, _cast = dossier_in_state(DossierState.SUBMITTED)
    dossier, _cast = dossier_in_state(DossierState.UNDER_EVALUATION)
    with triggers_disabled():
        execute(f"DELETE FROM {LOG} WHERE dossier_id = %s", [dossier.pk])
    message = broken_message()
    assert f"dossier {dossier.reference} — aucune entrée au journal" in message
    assert intact.reference not in message


def test_a_log_that_does_not_start_with_the_creation_is_named():
    dossier, _cast = dossier_in_state(DossierState.SUBMITTED)
    first = rows(dossier)[0]
    with triggers_disabled():
        execute(f"UPDATE {LOG} SET transition = 'submit' WHERE id = %s", [first.pk])
    assert "la première entrée n'est pas la création du dossier" in broken_message()


def test_row_altered_with_the_unkeyed_chain_recomputed_fails_the_hmac():
    """The forger rewrites a comment and recomputes every hash after it, links all consistent."""
    dossier, _cast = dossier_in_state(DossierState.IN_COMMISSION)
    log = rows(dossier)
    with triggers_disabled():
        log[2].comment = "Aucune réserve."
        prev = log[1].hash
        for row in log[2:]:
            row.prev_hash = prev
            row.hash = unkeyed_hash(row, prev)
            execute(
                f"UPDATE {LOG} SET comment = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [row.comment, row.prev_hash, row.hash, row.pk],
            )
            prev = row.hash
    message = broken_message()
    assert f"dossier {dossier.reference} (rang 3" in message
    assert "empreinte (HMAC) invalide" in message


@pytest.mark.parametrize("forger_key", ["unkeyed", "SECRET_KEY"])
def test_forged_row_appended_with_a_recomputed_hash_fails_the_hmac(forger_key, settings):
    """A "start_evaluation" row added at the end, linked to the real last row, state moved on."""
    dossier, _cast = dossier_in_state(DossierState.SUBMITTED)
    last = rows(dossier)[-1]
    forged = TransitionLog(
        dossier=dossier,
        seq=last.seq + 1,
        transition="start_evaluation",
        from_state=DossierState.SUBMITTED,
        to_state=DossierState.UNDER_EVALUATION,
        actor=None,
        comment="",
        created_at=timezone.now(),
        prev_hash=last.hash,
    )
    forged.hash = (
        unkeyed_hash(forged, last.hash)
        if forger_key == "unkeyed"
        else forged.compute_hash(key=settings.SECRET_KEY)
    )
    execute(  # INSERT is allowed: appending is what the log is for
        f"INSERT INTO {LOG} (dossier_id, seq, transition, from_state, to_state, actor_id, "
        "comment, created_at, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, NULL, '', %s, %s, %s)",
        [
            dossier.pk,
            forged.seq,
            forged.transition,
            forged.from_state,
            forged.to_state,
            forged.created_at,
            forged.prev_hash,
            forged.hash,
        ],
    )
    set_state(dossier, DossierState.UNDER_EVALUATION)
    message = broken_message()
    assert f"dossier {dossier.reference} (rang {forged.seq}, action « start_evaluation »" in message
    assert "empreinte (HMAC) invalide" in message


def test_dossier_state_matching_no_last_row_is_named():
    dossier, _cast = dossier_in_state(DossierState.SUBMITTED)
    set_state(dossier, DossierState.PUBLISHED)
    message = broken_message()
    assert f"dossier {dossier.reference} (rang 2, action « submit »" in message
    assert "le dossier est « Publié » mais sa dernière entrée arrive à « Déposé »" in message


def test_the_first_broken_dossier_is_the_one_named():
    first, _cast = dossier_in_state(DossierState.SUBMITTED)
    second, _cast = dossier_in_state(DossierState.SUBMITTED)
    set_state(second, DossierState.PUBLISHED)
    set_state(first, DossierState.REFUSED)
    message = broken_message()
    assert first.reference in message
    assert second.reference not in message


def test_disabled_triggers_are_reported():
    dossier_in_state(DossierState.SUBMITTED)
    disable_triggers()  # the test's transaction is rolled back afterwards
    message = broken_message()
    assert "Protection du journal désactivée" in message


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_check_reads_one_snapshot(capsys):
    """As from cron: PostgreSQL's REPEATABLE READ, so a transition committed meanwhile cannot
    show the dossier's new state with its old log (or the reverse)."""
    dossier, _cast = dossier_in_state(DossierState.SUBMITTED)
    call_command("verify_audit")
    assert "Journal intègre : 2 entrées vérifiées sur 1 dossier." in capsys.readouterr().out
    set_state(dossier, DossierState.PUBLISHED)
    assert dossier.reference in broken_message()
