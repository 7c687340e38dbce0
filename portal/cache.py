"""The cache: Redis, with a fallback that keeps the portal working while Redis is down.

The cache holds allauth's rate-limit counters (sign-in, sign-up, password reset). A Redis outage
must neither break sign-in (a 500 from `redis.ConnectionError`) nor silently switch rate limiting
off: while Redis cannot be reached, each process counts in its own memory, a warning says so in
the log, and Redis is tried again after a short pause; when it answers, it takes over again.
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

#: Seconds during which a failed Redis is not tried again (each try costs a connection attempt).
RETRY_AFTER_SECONDS = 5.0

_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class RedisWithLocalFallbackCache(RedisCache):
    """Django's RedisCache; while Redis is unreachable, a per-process in-memory cache."""

    def __init__(self, server, params):
        params = {**params}
        # A Redis that does not answer must not hold a sign-in for long.
        params["OPTIONS"] = {
            "socket_connect_timeout": 0.5,
            "socket_timeout": 0.5,
            **params.get("OPTIONS", {}),
        }
        super().__init__(server, params)
        self._fallback = LocMemCache(
            f"redis-fallback-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)}
        )
        self._retry_after = float(params.get("RETRY_AFTER_SECONDS", RETRY_AFTER_SECONDS))
        self._down_since: float | None = None
        self._retry_at = 0.0

    @property
    def using_fallback(self) -> bool:
        return self._down_since is not None

    def _call(self, name, *args, **kwargs):
        if self._down_since is None or time.monotonic() >= self._retry_at:
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except _UNREACHABLE as exc:
                self._went_down(exc)
            else:
                self._came_back()
                return result
        return getattr(self._fallback, name)(*args, **kwargs)

    def _went_down(self, exc) -> None:
        now = time.monotonic()
        if self._down_since is None:
            self._down_since = now
            logger.warning(
                "Cache Redis injoignable (%s) : limitation de débit et cache tenus en mémoire "
                "locale, par processus, jusqu'au retour de Redis.",
                exc,
            )
        self._retry_at = now + self._retry_after

    def _came_back(self) -> None:
        if self._down_since is not None:
            logger.warning(
                "Cache Redis de nouveau joignable après %.0f s : il reprend la limitation "
                "de débit.",
                time.monotonic() - self._down_since,
            )
            self._down_since = None
            self._fallback.clear()

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        self._fallback.clear()
        return self._call("clear")
