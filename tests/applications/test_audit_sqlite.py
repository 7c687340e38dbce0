"""The append-only triggers on SQLite, the development database (bin/run), in a fresh process."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("sqlite_audit_check.py")


def test_sqlite_refuses_updates_and_deletes_of_the_log(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "AUDIT_HMAC_KEY"}
    }
    env.update(
        DEBUG="true",  # as bin/run: the development key of the chain
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CELERY_TASK_ALWAYS_EAGER="true",
        EMAIL_URL="dummymail://",
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
        PYTHONPATH=str(ROOT),
    )
    completed = subprocess.run(
        [sys.executable, str(SCRIPT)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["vendor"] == "sqlite"
    assert result["missing"] == []
    assert "ajout seul : modification refusée" in result["raw_update"]
    assert "ajout seul : effacement refusé" in result["raw_delete"]
    assert "ajout seul : modification refusée" in result["plain_queryset_update"]
    # flush deletes row by row on SQLite: refused too (reset a development base by removing it).
    assert result["flush"] == "refused"
    assert result["rows"] == 3
    assert result["verify"] == "ok"
