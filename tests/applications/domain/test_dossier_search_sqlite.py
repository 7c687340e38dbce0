"""The search's fallback on SQLite (bin/run), in a fresh process: no stemming, but accents and
case aside, the organisation's name and partial references work as on PostgreSQL."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).with_name("sqlite_search_check.py")


def test_sqlite_search_folds_accents_and_case_and_matches_references(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "AUDIT_HMAC_KEY"}
    }
    env.update(
        DEBUG="true",
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
    found = result["found"]
    assert found["diabete"] == ["DiabèteFacile"]
    assert found["DIABÈTE"] == ["DiabèteFacile"]
    assert found["santé connectée"] == ["DiabèteFacile"]  # the organisation's name
    assert found["numerique"] == ["Sommeil Réparateur", "TensioNote"]
    assert found["reparateur"] == ["Sommeil Réparateur"]
    assert found["k7m3"] == ["DiabèteFacile"]  # part of a reference, any case
    assert found["2026-ab1"] == ["Sommeil Réparateur"]
    assert found["sommeil cardiologie"] == []
    assert found["glycémie"] == []
    assert len(found[""]) == 3
    assert result["assignments"] == {"sante": ["DiabèteFacile"], "k7m3": ["DiabèteFacile"]}
