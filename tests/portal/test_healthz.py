"""`/healthz`: honest (503 when the broker is down) and cheap (a pooled, briefly kept broker ping).

Connections and pings are counted by the real Redis broker (`INFO`), never by a mock."""

import pytest
import redis
from django.urls import reverse

from portal import health
from portal.celery import app


@pytest.fixture(autouse=True)
def _no_kept_answer():
    health.forget_broker_answer()
    yield
    health.forget_broker_answer()


@pytest.fixture
def broker():
    """A client of the broker's own Redis, to read its counters."""
    url = app.conf.broker_url
    if not url.startswith("redis://"):
        pytest.skip("the broker of this run is not Redis")
    client = redis.Redis.from_url(url)
    client.ping()  # open this client's own connection before any count is read
    yield client
    client.close()


def _connections_received(client) -> int:
    return client.info("stats")["total_connections_received"]


def _pings(client) -> int:
    return client.info("commandstats").get("cmdstat_ping", {}).get("calls", 0)


@pytest.mark.django_db
def test_healthz_answers_200_when_database_and_broker_answer(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_is_down(client, broker_down):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "error"}


@pytest.mark.django_db
def test_healthz_calls_within_the_window_open_at_most_one_connection_and_ping_once(client, broker):
    connections, pings = _connections_received(broker), _pings(broker)
    for _ in range(20):
        assert client.get(reverse("healthz")).status_code == 200
    assert _connections_received(broker) - connections <= 1
    # The INFO calls of this test are not pings: the 20 health checks asked the broker once.
    assert _pings(broker) - pings == 1


@pytest.mark.django_db
def test_healthz_pings_through_one_pooled_connection_when_nothing_is_kept(client, broker, settings):
    settings.HEALTHZ_BROKER_CACHE_SECONDS = 0
    connections, pings = _connections_received(broker), _pings(broker)
    for _ in range(10):
        assert client.get(reverse("healthz")).status_code == 200
    assert _pings(broker) - pings == 10
    assert _connections_received(broker) - connections <= 1


@pytest.mark.django_db
def test_healthz_answer_kept_for_one_broker_is_never_given_for_another(client, broker):
    """The kept answer is the broker URL's: a broker found down does not make another one look
    down, nor a healthy one hide an unreachable one."""
    assert client.get(reverse("healthz")).status_code == 200
    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:9/0"  # the discard port: connection refused
    try:
        assert client.get(reverse("healthz")).status_code == 503
    finally:
        app.conf.broker_url = previous
    assert client.get(reverse("healthz")).status_code == 200
