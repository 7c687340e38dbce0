"""The durable-job helper (portal/jobs.py) on the real database, through the two jobs it runs:
one file whatever an interrupted attempt left, the sweep's choice of stale jobs, a broker that is
down, and attempts spent by workers that died. The real workers are in
tests/decisions/test_tasks.py and tests/reviews/test_tasks.py."""

import logging
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, InMemoryStorage
from django.db import transaction
from django.utils import timezone

from applications.enums import DossierState
from decisions.domain.documents import DECISION_PDF, MAX_ATTEMPTS
from decisions.models import Decision, PdfStatus
from portal.jobs import INTERRUPTED, store_file
from portal.pdf import sha256_hex
from reviews.domain.report import REPORT_PDF
from reviews.models import EvaluationReport, ReportStatus
from tests.decisions.helpers import decided
from tests.factories.dossiers import dossier_in_state

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_storage(private_storage):
    return private_storage


def _files(folder):
    """Every file under `folder`, named from the storage's root, temporary ones included."""
    return sorted(str(p.relative_to(folder.parent)) for p in folder.rglob("*") if p.is_file())


class CommitNeverHappened(Exception):
    pass


def test_retry_after_a_commit_that_never_happened_leaves_one_file(private_storage):
    decision, _dossier, _cast = decided()
    name = f"decisions/{decision.year}/decision-{decision.number}.pdf"
    # An attempt that wrote its file, then lost its transaction (as a worker killed before its
    # commit does), and one killed while writing (its temporary file).
    with pytest.raises(CommitNeverHappened), transaction.atomic():
        assert DECISION_PDF.run(decision.pk) is not None
        raise CommitNeverHappened
    (private_storage / f"{name}.part").write_bytes(b"%PDF- half written")
    assert Decision.objects.get(pk=decision.pk).pdf_status == PdfStatus.PENDING
    assert _files(private_storage / "decisions") == [name, f"{name}.part"]

    rendered = DECISION_PDF.run(decision.pk)

    assert (rendered.pdf.name, rendered.pdf_status) == (name, PdfStatus.READY)
    assert _files(private_storage / "decisions") == [name]
    assert sha256_hex((private_storage / name).read_bytes()) == rendered.pdf_sha256


@pytest.mark.parametrize("storage_class", [FileSystemStorage, InMemoryStorage])
def test_store_file_writes_the_same_name_over_what_was_left(storage_class, tmp_path):
    """On disk through a temporary name and a rename; elsewhere by replacing the object."""
    storage = storage_class(location=str(tmp_path))
    storage.save("rapports/r.pdf", ContentFile(b"old"))
    assert store_file(storage, "rapports/r.pdf", b"new") == "rapports/r.pdf"
    with storage.open("rapports/r.pdf", "rb") as handle:
        assert handle.read() == b"new"
    assert storage.listdir("rapports") == ([], ["r.pdf"])


def _report(**values) -> EvaluationReport:
    dossier, _cast = dossier_in_state(DossierState.DRAFT, filled=False)
    report = EvaluationReport.objects.create(dossier=dossier)
    EvaluationReport.objects.filter(pk=report.pk).update(**values)
    return report


def test_sweep_takes_the_pending_jobs_nobody_touched_for_the_stale_delay(settings):
    settings.JOBS_STALE_AFTER = 60
    now = timezone.now()
    long_ago = now - timedelta(minutes=2)
    lost = _report(created_at=long_ago)  # its message never reached a worker
    killed = _report(created_at=long_ago, started_at=long_ago, attempts=1)
    running = _report(created_at=long_ago, started_at=now - timedelta(seconds=5), attempts=1)
    fresh = _report()
    done = _report(created_at=long_ago, status=ReportStatus.READY)
    failed = _report(created_at=long_ago, status=ReportStatus.FAILED)

    assert REPORT_PDF.stale_ids() == [lost.pk, killed.pk]
    everything_pending = [lost.pk, killed.pk, running.pk, fresh.pk]
    assert REPORT_PDF.stale_ids(older_than_seconds=0) == everything_pending
    assert not {done.pk, failed.pk} & set(REPORT_PDF.stale_ids(older_than_seconds=0))


def test_broker_down_is_logged_and_the_job_left_to_the_sweep(broker_down, caplog):
    report = _report()
    with caplog.at_level(logging.WARNING, logger="portal.jobs"):
        assert REPORT_PDF.dispatch(report.pk) is False
        assert REPORT_PDF.sweep(older_than_seconds=0) == 1  # must not raise either
    assert "courtier injoignable" in caplog.text
    report.refresh_from_db()
    assert (report.status, report.attempts) == (ReportStatus.PENDING, 0)


def test_attempts_spent_by_killed_workers_mark_the_job_failed(private_storage):
    decision, _dossier, _cast = decided()
    name = f"decisions/{decision.year}/decision-{decision.number}.pdf"
    Decision.objects.filter(pk=decision.pk).update(
        pdf_attempts=MAX_ATTEMPTS, pdf_started_at=timezone.now() - timedelta(minutes=5)
    )
    (private_storage / name).parent.mkdir(parents=True)
    (private_storage / name).write_bytes(b"%PDF- left by the last killed attempt")

    assert DECISION_PDF.run(decision.pk) is None

    decision.refresh_from_db()
    assert (decision.pdf_status, decision.pdf_attempts) == (PdfStatus.FAILED, MAX_ATTEMPTS)
    assert decision.pdf_last_error == INTERRUPTED
    assert _files(private_storage / "decisions") == []
    assert decision.pk not in DECISION_PDF.stale_ids(older_than_seconds=0)
