"""What `/healthz` checks, cheaply enough to be called by every load balancer and orchestrator.

- The database is asked live on every call (`SELECT 1` on the request's own connection, which
  persistent connections keep open).
- The broker is pinged through a connection pool of this process (one connection, kept open,
  replaced when it breaks), and the answer — good or bad — is kept for
  `HEALTHZ_BROKER_CACHE_SECONDS` (5 s by default) in this process's memory. A load balancer that
  calls every second thus costs the broker one PING per web process every few seconds, and no new
  connection at all; a broker that goes down is reported within that window.

The answer is keyed by the broker URL, so that pointing Celery elsewhere (tests do) is never
answered from the previous broker's state.
"""

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

BROKER_CACHE_SECONDS = 5.0
#: Connect and read timeout of the broker ping: a broker that does not answer is down.
BROKER_TIMEOUT_SECONDS = 1.0
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


@dataclass(frozen=True)
class _Answer:
    broker_url: str
    ok: bool
    expires_at: float


_answer: _Answer | None = None
_pools: dict[str, object] = {}
_pools_lock = threading.Lock()


def broker_ok() -> bool:
    """Whether the broker answered a ping within the last few seconds (or answers one now)."""
    global _answer
    from .celery import app

    if app.conf.task_always_eager:
        return True  # development: no broker, tasks run in the request
    url = app.conf.broker_url
    answer = _answer
    if answer is not None and answer.broker_url == url and time.monotonic() < answer.expires_at:
        return answer.ok
    ok = _ping(url, app)
    ttl = getattr(settings, "HEALTHZ_BROKER_CACHE_SECONDS", BROKER_CACHE_SECONDS)
    _answer = _Answer(url, ok, time.monotonic() + ttl)
    return ok


def forget_broker_answer() -> None:
    """Drop the kept answer, so that the next call pings the broker (tests, after a change)."""
    global _answer
    _answer = None


def _redis_pool(url: str):
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    with _pools_lock:
        pool = _pools.get(url)
        if pool is None:
            pool = _pools[url] = redis.ConnectionPool.from_url(
                url,
                socket_timeout=BROKER_TIMEOUT_SECONDS,
                socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
                # One retry on a fresh connection: a pooled connection the broker closed (a
                # restart) is replaced without reporting an outage.
                retry=Retry(NoBackoff(), 1),
                max_connections=4,
            )
        return pool


def _ping(url: str, app) -> bool:
    try:
        if url.startswith(REDIS_SCHEMES):
            import redis

            return bool(redis.Redis(connection_pool=_redis_pool(url)).ping())
        # Another transport: kombu's own connection, as Celery opens it.
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
            return True
    except Exception:
        return False
