"""The decision's PDF produced by a REAL Celery worker on the REAL Redis started by bin/test,
including when the broker was down at the time of the decision."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.urls import reverse

from applications.domain import transitions as t
from applications.enums import DecisionOutcome, DossierState
from decisions.models import Decision, PdfStatus
from decisions.tasks import decision_retry_pending_task
from portal.celery import app
from portal.notifications.models import OutboxMessage, OutboxStatus
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

    dossier = t.dossier_decide(
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
