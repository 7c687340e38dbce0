"""The ministry's decision PDFs: the render time of one PDF in this process, and the time for 100
decisions whose PDFs are produced by two Celery worker processes.

Targets (issue « Ministry decision »): render median ≤ 1 s; 100 decisions ≤ 60 s with two
worker processes.

The second figure is a real multi-process run: `celery -A portal worker -c 2 --pool prefork` is
started as a subprocess on the benchmark's own database (the PostgreSQL database the harness
created next to DATABASE_URL, or its SQLite file) and on a Redis broker — REDIS_URL if set,
otherwise a throwaway `redis-server` on a free loopback port, stopped by PID. The clock starts
before the first of the 100 decisions is taken here (as the ministry would, one after another,
each queuing its PDF on commit) and stops when the last PDF is attached. Worker start-up is not
counted. On SQLite every write transaction holds the whole database, so the two workers'
renders (which run with their decision's row locked) are serialised: PostgreSQL is the
production figure.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client

from applications.enums import DecisionOutcome, DossierState, Opinion
from applications.models import Dossier, Orientation, Service
from applications.referential.loader import load_referential
from decisions.domain.documents import decision_pdf
from decisions.domain.services import dossier_decide
from decisions.models import Decision, PdfStatus
from portal.accounts.models import User
from portal.organisations.models import Membership, Organisation

from ._servers import stop as _stop
from .harness import Case, Context, Metric, baseline_case, ratio

RENDER_P50_MS = 1000
BATCH = 100
BATCH_TARGET_S = 60
WORKER_PROCESSES = 2
WORKER_START_TIMEOUT_S = 60
BATCH_TIMEOUT_S = 300
MOTIVES = (
    "Les exigences bloquantes de sécurité ne sont pas satisfaites : l'hébergement des données de "
    "santé n'est pas certifié HDS et l'analyse de risques n'est pas jointe au dossier."
)


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------


def build_people() -> tuple[User, Organisation]:
    organisation = Organisation.objects.create(
        name="Santé Décidée SAS",
        siren="732829320",
        street="1 rue de la République",
        postal_code="75001",
        city="Paris",
    )
    editor = User.objects.create_user(
        email="editeur@bench.test", password="mot-de-passe-du-benchmark", first_name="Camille"
    )
    editor.groups.add(Group.objects.get_or_create(name="editor")[0])
    EmailAddress.objects.create(user=editor, email=editor.email, verified=True, primary=True)
    Membership.objects.create(organisation=organisation, user=editor)
    ministry = User.objects.create_user(
        email="ministere@bench.test",
        password="mot-de-passe-du-benchmark",
        first_name="Hélène",
        last_name="Marchal",
        job_title="Directrice du numérique en santé",
    )
    ministry.groups.add(Group.objects.get_or_create(name="ministry")[0])
    return ministry, organisation


def build_dossiers(
    count: int, organisation: Organisation, version, *, start: int = 0
) -> list[Dossier]:
    """Dossiers awaiting the ministry after an unfavorable opinion. Built directly (the decision
    is what is measured, not the journey that leads to it)."""
    creator = User.objects.get(email="editeur@bench.test")
    dossiers = []
    for index in range(start, start + count):
        service = Service.objects.create(
            organisation=organisation,
            name=f"Carnet de santé connecté n° {index + 1}",
            short_description="Un service qui attend la décision du ministère.",
        )
        Orientation.objects.create(service=service, targets_users=True, purposes=["care"])
        dossiers.append(
            Dossier.objects.create(
                service=service,
                reference=f"D-BENCH-{os.getpid() % 10000:04d}-{index:04d}",
                created_by=creator,
                referential_version=version,
                state=DossierState.OPINION_UNFAVORABLE,
                opinion=Opinion.UNFAVORABLE,
            )
        )
    return dossiers


def decide(dossier: Dossier, ministry: User) -> Dossier:
    return dossier_decide(
        dossier=dossier, actor=ministry, outcome=DecisionOutcome.REFUSED, motives=MOTIVES
    )


# ---------------------------------------------------------------------------------------------
# Redis, Celery and the worker processes
# ---------------------------------------------------------------------------------------------


def redis_broker(ctx: Context, folder: Path):
    """REDIS_URL when set; otherwise a throwaway redis-server of our own, stopped by PID."""
    from ._servers import redis_server

    return redis_server(folder, ctx.log)


def worker_database_url() -> str:
    """The benchmark's own database, as the worker processes must reach it."""
    data = connection.settings_dict
    if connection.vendor == "sqlite":
        # Writers wait for each other instead of failing on SQLite's lock upgrade.
        return f"sqlite:///{data['NAME']}?transaction_mode=IMMEDIATE&timeout=60"
    credentials = quote(data["USER"] or "", safe="")
    if data.get("PASSWORD"):
        credentials += ":" + quote(data["PASSWORD"], safe="")
    host = data.get("HOST") or "127.0.0.1"
    port = f":{data['PORT']}" if data.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{quote(data['NAME'], safe='')}"


@contextmanager
def sqlite_waits_for_writers() -> Iterator[None]:
    """This process writes decisions while the workers write PDFs: on SQLite, take the write
    lock at BEGIN and wait for it, as the workers do."""
    if connection.vendor != "sqlite":
        yield
        return
    options = connection.settings_dict.setdefault("OPTIONS", {})
    saved = dict(options)
    options.update(transaction_mode="IMMEDIATE", timeout=60)
    connection.close()
    try:
        yield
    finally:
        options.clear()
        options.update(saved)
        connection.close()


@contextmanager
def celery_on(broker_url: str) -> Iterator[None]:
    """Queue tasks on the broker instead of running them here (the harness runs them eagerly)."""
    from kombu import pools

    from portal.celery import app

    def reset_pools():
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    reset_pools()
    app.conf.broker_url, app.conf.task_always_eager = broker_url, False
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        reset_pools()


@contextmanager
def celery_workers(ctx: Context, broker_url: str, folder: Path) -> Iterator[None]:
    """`celery -A portal worker -c 2 --pool prefork`, on this benchmark's database and broker."""
    from portal.celery import app

    name = f"bench-decisions-{os.getpid()}@{socket.gethostname()}"
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
    }
    log = (folder / "worker.log").open("wb")
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker"]
    command += ["-c", str(WORKER_PROCESSES), "--pool", "prefork", "-n", name, "-l", "WARNING"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    process = subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        started = time.monotonic()
        while time.monotonic() - started < WORKER_START_TIMEOUT_S:
            if process.poll() is not None:
                raise RuntimeError(f"le worker s'est arrêté (voir {folder / 'worker.log'})")
            if any(name in reply for reply in app.control.ping(timeout=0.5)):
                break
        else:
            raise RuntimeError("le worker ne répond pas")
        ctx.log(
            f"decisions : worker {name} prêt ({WORKER_PROCESSES} processus, PID {process.pid}) "
            f"en {time.monotonic() - started:.1f} s"
        )
        yield
    finally:
        _stop(process)
        log.close()


# ---------------------------------------------------------------------------------------------
# The benchmark
# ---------------------------------------------------------------------------------------------


def run(ctx: Context) -> Iterator[Metric]:
    for code in ("2022", "2023"):  # 2023 supersedes 2022
        version = load_referential(settings.BASE_DIR / "referential" / f"{code}.yaml").version
    ministry, organisation = build_people()

    # 1. One PDF, rendered in this process (template + WeasyPrint, PDF/A-3b).
    first = decide(build_dossiers(1, organisation, version)[0], ministry)
    decision = Decision.objects.get(dossier=first)
    client = Client()
    timings = ctx.measure(
        {"baseline": baseline_case(client), "render": Case(lambda: decision_pdf(decision))}
    )
    render, baseline = timings["render"], timings["baseline"]
    size_kb = len(decision_pdf(decision)) / 1024
    yield Metric("render_p50", render.p50, "ms", RENDER_P50_MS, note=f"{ctx.samples} rendus")
    yield Metric("render_p95", render.p95, "ms")
    yield Metric("pdf_size", size_kb, "kB")
    yield Metric("baseline_p50", baseline.p50, "ms", note="GET /healthz")
    yield ratio(render.p50, baseline.p50, "render_p50_over_baseline_p50")

    # 2. 100 decisions, their PDFs produced by two worker processes.
    dossiers = build_dossiers(BATCH, organisation, version, start=1)
    folder = Path(tempfile.mkdtemp(prefix="bench-decisions-"))
    try:
        with (
            redis_broker(ctx, folder) as broker_url,
            celery_on(broker_url),
            sqlite_waits_for_writers(),
            celery_workers(ctx, broker_url, folder),
        ):
            start = time.perf_counter()
            for dossier in dossiers:
                decide(dossier, ministry)
            decided_s = time.perf_counter() - start
            batch = Decision.objects.filter(dossier__in=dossiers)
            deadline = time.monotonic() + BATCH_TIMEOUT_S
            while batch.filter(pdf_status=PdfStatus.READY).count() < BATCH:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            total_s = time.perf_counter() - start
        ready = batch.filter(pdf_status=PdfStatus.READY)
        done = ready.count()
        if done < BATCH:
            ctx.log((folder / "worker.log").read_text(errors="replace")[-4000:])
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    numbers = set(batch.values_list("number", flat=True))
    digests = set(ready.values_list("pdf_sha256", flat=True))
    renders = sum(batch.values_list("pdf_attempts", flat=True))
    if len(numbers) != BATCH or len(digests) != done or (done == BATCH and renders != BATCH):
        raise AssertionError(
            f"{len(numbers)} numéros, {len(digests)} empreintes, {renders} rendus "
            f"pour {BATCH} décisions"
        )
    note = f"{WORKER_PROCESSES} processus worker, base {connection.vendor}"
    yield Metric("batch_pdfs_ready", done, "count", BATCH, at_least=True, note=note)
    yield Metric(
        "batch_100_total",
        total_s if done == BATCH else None,
        "s",
        BATCH_TARGET_S,
        note=f"de la 1re décision au 100e PDF ; {note}",
    )
    yield Metric("batch_100_decide", decided_s, "s", note="les 100 décisions prises ici")
    yield Metric("batch_throughput", done / total_s, "pdf/s", note=note)
