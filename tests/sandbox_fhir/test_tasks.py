"""The daily clean-up of the sandbox's tokens (CELERY_BEAT_SCHEDULE)."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from sandbox.models import SandboxAccessToken, SandboxGrant, SandboxRefreshToken
from sandbox.tasks import sandbox_clear_tokens_task

pytestmark = pytest.mark.django_db


def test_the_task_is_scheduled_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["sandbox-clear-tokens-daily"]
    assert entry["task"] == "sandbox.tasks.sandbox_clear_tokens_task"
    schedule = entry["schedule"]  # a crontab: one minute of one hour, every day
    assert (len(schedule.hour), len(schedule.minute)) == (1, 1)
    assert schedule.day_of_week == set(range(7)) and len(schedule.day_of_month) == 31


def test_expired_tokens_go_and_live_ones_stay(pairing):
    expired = pairing.tokens()
    refresh_days = settings.OAUTH2_PROVIDER["REFRESH_TOKEN_EXPIRE_SECONDS"] / 86400
    # Long after the first pairing's tokens expired (refresh token included), a new pairing.
    with time_machine.travel(timezone.now() + timedelta(days=refresh_days + 2), tick=False):
        live = pairing.tokens()
        assert SandboxAccessToken.objects.count() == 2
        assert SandboxRefreshToken.objects.count() == 2

        sandbox_clear_tokens_task()

        access = SandboxAccessToken.objects.get()
        refresh = SandboxRefreshToken.objects.get()
        assert refresh.access_token == access
        assert not access.is_expired()
        assert not SandboxGrant.objects.filter(expires__lt=timezone.now()).exists()
    assert expired["access_token"] != live["access_token"]
