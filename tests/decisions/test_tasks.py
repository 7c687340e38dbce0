"""The decision's PDF produced by a REAL Celery worker on the REAL Redis started by bin/test,
including when the broker was down at the time of the decision, and when the worker was killed
after writing the file but before committing."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse

from applications.enums import DecisionOutcome, DossierState
from decisions.domain.services import dossier_decide
from decisions.models import Decision, PdfStatus
from decisions.tasks import decision_retry_pending_task
from portal.celery import app
from portal.notifications.models import OutboxMessage, OutboxStatus
from portal.organisations.models import Membership
from portal.pdf import sha256_hex
from portal.signing import verify_pdf
from tests.celery_processes import celery_worker, process_env
from tests.factories.dossiers import dossier_in_state

from .helpers import MOTIVES, decided, pdf_text, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def _worker():
    return start_worker(app, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10)


def _ready(decision):
    return Decision.objects.get(pk=decision.pk).pdf_status == PdfStatus.READY


def _editor_emailed(decision):
    return OutboxMessage.objects.filter(
        subject__contains=decision.number, status=OutboxStatus.SENT
    ).exists()


def test_real_worker_on_redis_renders_the_decision_pdf():
    assert app.conf.broker_url.startswith("redis://")
    assert not app.conf.task_always_eager
    with _worker():
        decision, dossier, cast = decided(DecisionOutcome.REFUSED)
        assert wait_for(lambda: _ready(decision)), Decision.objects.get(pk=decision.pk).__dict__
        assert wait_for(lambda: _editor_emailed(decision))
    decision.refresh_from_db()
    with decision.pdf.open("rb") as stream:
        text = pdf_text(stream.read())
    for expected in [
        decision.number,
        dossier.service.name,
        dossier.service.organisation.name,
        "Refusé",
        MOTIVES,
        cast.ministry.get_full_name(),
        f"version {dossier.referential_version.code}",
    ]:
        assert expected in text, expected
    sent = [m for m in mail.outbox if decision.number in m.subject]
    assert [m.to for m in sent] == [[cast.editor.email]]


def _restore_broker():
    """What the broker_down fixture does on its way out, done here in the middle of the test."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = settings.CELERY_BROKER_URL
    app.conf.broker_connection_max_retries = None


def test_decision_taken_while_the_broker_is_down_gets_its_pdf_once_a_worker_runs(request, client):
    dossier, cast = dossier_in_state(DossierState.OPINION_UNFAVORABLE)
    request.getfixturevalue("broker_down")

    dossier = dossier_decide(
        dossier=dossier, actor=cast.ministry, outcome=DecisionOutcome.REFUSED, motives=MOTIVES
    )

    # The decision is kept, its document pending, and the page says so.
    decision = Decision.objects.get(dossier=dossier)
    assert dossier.state == DossierState.REFUSED
    assert decision.pdf_status == PdfStatus.PENDING
    client.force_login(cast.editor)
    detail = reverse("applications:dossier-detail", args=[dossier.pk])
    assert "Document en cours de génération" in client.get(detail).content.decode()

    _restore_broker()
    assert decision_retry_pending_task(older_than_seconds=0) >= 1  # the periodic sweep
    assert not _ready(decision)  # queued, but no worker yet

    with _worker():
        assert wait_for(lambda: _ready(decision))
        assert wait_for(lambda: _editor_emailed(decision))
    page = client.get(detail).content.decode()
    assert "Document en cours de génération" not in page
    assert reverse("decisions:decision-download", args=[decision.pk]) in page
    response = client.get(reverse("decisions:decision-download", args=[decision.pk]))
    assert response.status_code == 200
    assert decision.number in pdf_text(b"".join(response.streaming_content))


def _files(storage):
    """Every file of the decisions' folder, temporary ones included."""
    return sorted(
        str(p.relative_to(storage)) for p in (storage / "decisions").rglob("*") if p.is_file()
    )


def test_worker_killed_after_writing_the_pdf_before_committing_leaves_one_file(
    private_storage, tmp_path
):
    decision, _dossier, _cast = decided(DecisionOutcome.REFUSED)  # queued on commit, no worker
    name = f"decisions/{decision.year}/decision-{decision.number}.pdf"
    # The sweep's production code path, with seconds instead of minutes.
    env = process_env(storage=private_storage, JOBS_STALE_AFTER="2", JOBS_SWEEP_INTERVAL="1")

    with transaction.atomic():
        # Once the file is written and attached, telling the editor reads the organisation's
        # members: while this transaction holds their table, the worker cannot commit.
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Membership._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        with celery_worker(env, tmp_path, "first") as first:
            assert wait_for(lambda: _files(private_storage) == [name], seconds=60), first.output()
            first.kill()  # the file is on disk, the transaction never commits

    killed = Decision.objects.get(pk=decision.pk)
    assert (killed.pdf_status, killed.pdf_attempts, bool(killed.pdf)) == (
        PdfStatus.PENDING,
        1,
        False,
    )
    assert _files(private_storage) == [name]  # what the killed attempt left behind

    # A second worker, with beat, whose sweep re-queues the job the killed worker left.
    with celery_worker(env, tmp_path, "second", beat=True) as second:
        available = time.monotonic()
        assert wait_for(lambda: _ready(decision), seconds=60), second.output()
        assert time.monotonic() - available < 120

    decision.refresh_from_db()
    assert (decision.pdf.name, decision.pdf_attempts, decision.pdf_last_error) == (name, 2, "")
    assert _files(private_storage) == [name]
    assert sha256_hex((private_storage / name).read_bytes()) == decision.pdf_sha256
    # Signed in the worker process, with the signing key its environment gave it.
    assert [s.ok for s in verify_pdf((private_storage / name).read_bytes())] == [True]
    assert OutboxMessage.objects.filter(subject__contains=decision.number).count() == 1
