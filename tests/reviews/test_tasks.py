"""The evaluation report's PDF on REAL Celery workers and the REAL Redis of bin/test: a worker
killed mid-render, a report retried after a failure, and one that fails for good."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection, transaction

from applications.enums import DossierState
from portal.celery import app
from portal.pdf import sha256_hex
from reviews.domain.report import MAX_ATTEMPTS
from reviews.models import DomainEvaluation, EvaluationReport, ReportStatus
from tests.celery_processes import celery_worker, process_env
from tests.decisions.helpers import wait_for
from tests.factories.dossiers import dossier_in_state

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _own_storage(private_storage):
    """The reports of each test go to a folder of its own (workers, threads or processes, too)."""
    return private_storage


def _blocked_storage(settings, tmp_path):
    """A storage whose location is a file: every write fails (NotADirectoryError)."""
    blocked = tmp_path / "un-fichier"
    blocked.write_text("pas un dossier")
    working = settings.STORAGES
    settings.STORAGES = {
        **working,
        "default": {**working["default"], "OPTIONS": {"location": str(blocked)}},
    }
    return working


def _files(storage):
    """Every file of the reports' folder, temporary ones included."""
    return sorted(
        str(p.relative_to(storage)) for p in (storage / "rapports").rglob("*") if p.is_file()
    )


def _report(dossier):
    return EvaluationReport.objects.get(dossier=dossier)


def test_worker_killed_mid_render_the_report_appears_once_a_worker_runs_again(
    private_storage, tmp_path
):
    dossier, _cast = dossier_in_state(DossierState.EVALUATED)  # queued on commit, no worker yet
    assert _report(dossier).status == ReportStatus.PENDING
    # The sweep's production code path, with seconds instead of minutes.
    env = process_env(storage=private_storage, JOBS_STALE_AFTER="2", JOBS_SWEEP_INTERVAL="1")

    with transaction.atomic():
        # Rendering reads the signed evaluations: while this transaction holds their table, a
        # worker that has started the report cannot finish it.
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {DomainEvaluation._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        with celery_worker(env, tmp_path, "first") as first:
            assert wait_for(lambda: _report(dossier).started_at is not None, seconds=60), (
                first.output()
            )
            first.kill()  # mid-render; its message stays unacknowledged in Redis

    killed = _report(dossier)
    assert (killed.status, killed.attempts, bool(killed.pdf)) == (ReportStatus.PENDING, 1, False)
    assert _files(private_storage) == []

    # A second worker, with beat, whose sweep re-queues the job the killed worker left.
    with celery_worker(env, tmp_path, "second", beat=True) as second:
        available = time.monotonic()
        ready = wait_for(lambda: _report(dossier).status == ReportStatus.READY, seconds=60)
        assert ready, second.output()
        assert time.monotonic() - available < 120

    report = _report(dossier)
    name = f"rapports/rapport-{dossier.reference}.pdf"
    assert (report.pdf.name, report.attempts, report.last_error) == (name, 2, "")
    assert _files(private_storage) == [name]
    assert sha256_hex((private_storage / name).read_bytes()) == report.sha256


def _worker():
    return start_worker(app, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10)


def test_failed_report_is_recorded_then_retried_by_the_task(settings, tmp_path, private_storage):
    dossier, _cast = dossier_in_state(DossierState.EVALUATED)  # queued on commit
    working = _blocked_storage(settings, tmp_path)
    settings.JOBS_RETRY_BACKOFF = 2.0  # the first retry comes 1 to 2 s later
    with _worker():
        assert wait_for(lambda: _report(dossier).attempts == 1 and _report(dossier).last_error)
        failed = _report(dossier)
        assert failed.status == ReportStatus.PENDING and not failed.pdf
        assert "NotADirectoryError" in failed.last_error
        settings.STORAGES = working  # the storage is back before the retry
        assert wait_for(lambda: _report(dossier).status == ReportStatus.READY)
    report = _report(dossier)
    assert (report.attempts, report.last_error) == (2, "")
    assert _files(private_storage) == [report.pdf.name]


def test_report_fails_for_good_after_the_last_attempt_with_its_error(settings, tmp_path):
    dossier, _cast = dossier_in_state(DossierState.EVALUATED)  # queued on commit
    _blocked_storage(settings, tmp_path)
    settings.JOBS_RETRY_BACKOFF = 0.05
    with _worker():
        assert wait_for(lambda: _report(dossier).status == ReportStatus.FAILED)
        time.sleep(0.5)  # nothing more happens to it
    report = _report(dossier)
    assert (report.attempts, bool(report.pdf), report.sha256) == (MAX_ATTEMPTS, False, "")
    assert "NotADirectoryError" in report.last_error
