"""Sign-in and pages keep working while Redis is down; rate limiting falls back on each process's
memory (and says so in the log), then comes back to Redis when it answers again."""

import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import caches
from django.urls import reverse

from portal.cache import RedisWithLocalFallbackCache
from tests.factories import UserFactory
from tests.factories.people import TEST_PASSWORD

pytestmark = pytest.mark.django_db

DOWN = "redis://127.0.0.1:9/0"  # the discard port: connection refused


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "portal.cache.RedisWithLocalFallbackCache", "LOCATION": DOWN},
    }
    yield caches["default"]


def test_sign_in_works_while_redis_is_down_and_says_so_in_the_log(client, redis_down, caplog):
    person = UserFactory()

    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        response = client.post(
            reverse("account_login"), {"login": person.email, "password": TEST_PASSWORD}
        )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)
    assert client.get(reverse("home")).status_code == 200
    assert any("Redis injoignable" in r.getMessage() for r in caplog.records)


def test_rate_limiting_still_holds_while_redis_is_down(client, redis_down):
    person = UserFactory()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": person.email, "password": "mauvais"})

    response = client.post(
        reverse("account_login"), {"login": person.email, "password": TEST_PASSWORD}
    )

    assert response.status_code == 200
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_redis(port, tmp_path):
    process = subprocess.Popen(
        [
            shutil.which("redis-server"),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(100):
        try:
            client.ping()
            return process, client
        except redis.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


def test_the_cache_returns_to_redis_when_it_answers_again(tmp_path, caplog):
    port = _free_port()
    process, direct = _start_redis(port, tmp_path)
    cache = RedisWithLocalFallbackCache(f"redis://127.0.0.1:{port}/0", {"RETRY_AFTER_SECONDS": 0.2})
    try:
        cache.set("k", "in-redis")
        assert direct.exists(cache.make_and_validate_key("k"))

        process.terminate()
        process.wait(10)
        with caplog.at_level(logging.WARNING, logger="portal.cache"):
            cache.set("k", "in-memory")
            assert cache.get("k") == "in-memory"  # counted locally while Redis is away
            assert cache.using_fallback

            process, direct = _start_redis(port, tmp_path)
            time.sleep(0.3)
            cache.set("k", "back-in-redis")

        assert not cache.using_fallback
        assert cache.get("k") == "back-in-redis"
        assert direct.exists(cache.make_and_validate_key("k"))
        messages = [r.getMessage() for r in caplog.records]
        assert any("injoignable" in m for m in messages)
        assert any("de nouveau joignable" in m for m in messages)
    finally:
        process.kill()
        process.wait(10)
