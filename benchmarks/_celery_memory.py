"""The Celery part of the real-server benchmark (`benchmarks.http`): a worker started as
docker/compose.yaml starts it (production settings, the recycling flags), `pdfs` decisions taken
one after another, each queuing its PDF on commit; the pool processes' resident memory once
every PDF is attached, and the highest seen while they were rendered (sampled every 0.5 s)."""

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from . import _servers as servers
from .harness import PACKAGE_DIR, Metric

BASE_DIR = PACKAGE_DIR.parent
CELERY_CONCURRENCY = 2
#: The recycling flags of docker/compose.yaml's worker, with the same defaults.
CELERY_MAX_TASKS_PER_CHILD = int(os.environ.get("CELERY_WORKER_MAX_TASKS_PER_CHILD", 100))
CELERY_MAX_MEMORY_PER_CHILD_KIB = int(os.environ.get("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 200_000))
#: Target (issue 14): a pool process after 1,000 PDFs.
CELERY_WORKER_RSS_MB = 250


def celery_memory(pdfs: int, env: dict[str, str], folder: Path, log) -> Iterator[Metric]:
    """A Celery worker renders `pdfs` decision PDFs (`_http_data decide`): its pool's memory."""
    name = f"bench-http-{os.getpid()}@{socket.gethostname()}"
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "-l", "WARNING"]
    command += ["-n", name, f"--concurrency={CELERY_CONCURRENCY}", "--pool=prefork"]
    command += [f"--max-tasks-per-child={CELERY_MAX_TASKS_PER_CHILD}"]
    command += [f"--max-memory-per-child={CELERY_MAX_MEMORY_PER_CHILD_KIB}"]
    logfile = folder / "celery.log"
    with logfile.open("wb") as output:
        worker = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    decide = None
    try:
        log(f"http : worker Celery (PID {worker.pid}) ; {pdfs} décisions et leurs PDF")
        decide = subprocess.Popen(
            [sys.executable, "-m", "benchmarks._http_data", "decide", str(pdfs)],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        peak, children_seen = 0.0, set()
        while decide.poll() is None:
            for pid in servers.children(worker.pid):
                children_seen.add(pid)
                peak = max(peak, servers.rss_mb(pid) or 0.0)
            if worker.poll() is not None:
                raise RuntimeError(f"le worker s'est arrêté :\n{logfile.read_text()[-4000:]}")
            time.sleep(0.5)
        if decide.returncode:
            raise RuntimeError(f"l'étape decide a échoué ({decide.returncode})")
        result = json.loads(decide.stdout.read().strip().splitlines()[-1])
        pool = {pid: servers.rss_mb(pid) for pid in servers.children(worker.pid)}
        pool_known = [value for value in pool.values() if value is not None]
        main = servers.rss_mb(worker.pid) or 0.0
    finally:
        if decide is not None:
            servers.stop(decide)
        servers.stop(worker)
    note = (
        f"--concurrency {CELERY_CONCURRENCY}, --max-tasks-per-child {CELERY_MAX_TASKS_PER_CHILD}, "
        f"--max-memory-per-child {CELERY_MAX_MEMORY_PER_CHILD_KIB} KiB"
    )
    yield Metric("celery_pdfs_ready", result["ready"], "count", pdfs, at_least=True)
    yield Metric(
        "celery_pdfs_total",
        result["total_s"],
        "s",
        note=f"de la 1re décision au dernier PDF ; {note}",
    )
    yield Metric(
        f"celery_worker_rss_after_{pdfs}_pdfs",
        max(pool_known) if pool_known else None,
        "MB",
        CELERY_WORKER_RSS_MB,
        note="VmRSS du plus gros processus du pool : "
        + ", ".join(f"PID {pid} {value:.1f} MB" for pid, value in pool.items() if value)
        + f" ; processus principal {main:.1f} MB ; {note}",
    )
    yield Metric(
        "celery_worker_rss_peak",
        peak,
        "MB",
        note=f"le plus haut VmRSS vu (toutes les 0,5 s) sur {len(children_seen)} processus du pool",
    )
    yield Metric("celery_worker_rss_sum", sum(pool_known) + main, "MB", note="pool + principal")
