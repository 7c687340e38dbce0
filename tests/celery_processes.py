"""Real Celery processes for the recovery tests: workers that can be killed (SIGKILL) and a beat
that runs the sweeps, on the test database, the test's private storage and bin/test's Redis.

They run the production command line (`celery -A portal worker`); only the timings come
from the environment (JOBS_STALE_AFTER, JOBS_SWEEP_INTERVAL), shortened so a test lasts seconds.
The solo pool runs the task in the worker's own process, so killing that process kills the
task where it stands, as the kernel's OOM killer or a lost machine would.

A worker started with `beat=True` runs beat too (`worker -B`: the same scheduler and schedule,
in a process forked from the worker's): one process less to start, whose imports of Django and
every app cost seconds of CPU, while the rest of the suite runs on the same cores."""

import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

REPO_ROOT = Path(__file__).resolve().parent.parent


def process_env(*, storage: Path, **overrides: str) -> dict[str, str]:
    """The environment of bin/test, pointed at the test database and the test's storage."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "PRIVATE_MEDIA_ROOT": str(storage),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": "dummymail://",
    }
    env.update(overrides)
    return env


class CeleryProcess:
    def __init__(self, args: list[str], env: dict[str, str], log: Path):
        self.log = log
        self._log_file = open(log, "wb")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", *args],
            cwd=REPO_ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        """SIGKILL: no shutdown, no acknowledgement, no rollback sent to the database."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # warm shutdown
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log_file.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def celery_worker(env: dict[str, str], folder: Path, name: str, *, beat: bool = False):
    embedded_beat = ["--beat", f"--schedule={folder / 'beat-schedule'}"] if beat else []
    worker = CeleryProcess(
        [
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname={name}@%h",
            *embedded_beat,
        ],
        env,
        folder / f"worker-{name}.log",
    )
    try:
        yield worker
    finally:
        worker.stop()
