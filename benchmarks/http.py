"""The portal under a real server: gunicorn (production settings, 2 sync workers), PostgreSQL and
Redis, loaded by Debian's `wrk`, each page side by side with a bare Django view served by the
same workers (`benchmarks/bare_wsgi.py`, `/__bare__`, no middleware).

    python -m benchmarks http [--quick] [--sizes 1000,50000] [--duration 10] [--rounds 2]
                              [--pages login,instructor_queue] [--pdfs 1000]

(the same through the environment: BENCH_HTTP_SIZES, BENCH_HTTP_DURATION, BENCH_HTTP_ROUNDS,
BENCH_HTTP_PAGES, BENCH_HTTP_PDFS, BENCH_HTTP_QUICK=1 — what `python -m benchmarks` uses.)

What it does, in order:
1. PostgreSQL and Redis: DATABASE_URL's / REDIS_URL's servers, or throwaway ones of its own
   (`benchmarks/_servers.py`); a database of its own either way, dropped at the end.
2. Migrates, collects the static files, seeds the first size's dossiers (`queues.Population`
   by bulk_create, plus the questionnaire benchmark's complete dossier on the 2023 referential).
3. Starts `gunicorn benchmarks.bare_wsgi:application --workers 2 --no-control-socket` on a free
   loopback port (the `web` pool, no warm-up) and, when the `fhir_measures` page is measured,
   a second one for the FHIR endpoints (the `web-fhir` pool of docker/compose.yaml, warmed
   up: `benchmarks/_pools.py`), and signs people in through the real login form and TOTP step;
   `wrk` gets the session cookie. The FHIR page and its bare view are served by the FHIR pool.
4. Per page: `wrk -t2 -c16 -d10s` on the bare view, then on the page, again and again
   (A B A B: `--rounds` pairs); the page's figures, and its requests per second divided by the
   bare view's *of the same round*. Pages that do not depend on the number of dossiers are
   measured at the first size only; staff pages at every size, then the growth from the first
   size to the last (throughput relative to the bare view, so that the machine's load cancels
   out), and each staff page's single-user p95 (`wrk -c1`) at the last size.
5. The gunicorn workers' resident memory after all that, pool by pool.
6. A Celery worker (`--concurrency 2`, recycling flags as in docker/compose.yaml) renders
   `--pdfs` decision PDFs; its pool processes' resident memory after them, and the peak seen.

Every figure depends on the machine and on its other tenants: read the ratios.
"""

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from statistics import median

from . import _servers as servers
from ._celery_memory import celery_memory
from ._fhir_http import PAGE as FHIR_PAGE
from ._fhir_http import check_fhir, fhir_env, fhir_wrk
from ._http_client import BARE_URL, WrkRun, check_page, drain, sign_in, wrk
from ._http_figures import (  # noqa: F401  (interleave, round_ratios: the tests read them here)
    GROWTH_MIN_RATIO,
    growth_metric,
    interleave,
    page_metrics,
    round_ratios,
    size_label,
)
from ._pools import FHIR_WORKERS, WORKER_RSS_MB, pools, rss_metric
from ._servers import GUNICORN_WORKERS, data_step, server_env
from .harness import Context, Metric, json_line

BENCH = "http"

DEFAULT_SIZES = (1_000, 50_000)
DEFAULT_DURATION_S = 10
DEFAULT_ROUNDS = 2
DEFAULT_PDFS = 1_000
QUICK_SIZES = (50, 200)
QUICK_DURATION_S = 2
QUICK_PDFS = 50

# Targets (issue 14).
ANONYMOUS_MIN_RATIO = 0.4
HEALTHZ_MIN_RATIO = 0.3
QUESTIONNAIRE_MIN_RPS = 100
SINGLE_USER_P95_MS = 100
SEED_MAX_S = 60
GUNICORN_WORKER_RSS_MB = WORKER_RSS_MB
#: The sandbox's FHIR measures endpoint (issue 13): validation and a recorded call per request.
FHIR_MEASURES_MIN_RATIO = 0.05


# ---------------------------------------------------------------------------------------------
# What is measured
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    #: Who is signed in (a key of the seed step's "people"), or None.
    person: str | None
    #: Text the page must contain; "{reference}" is the seeded dossier's reference.
    needle: str
    #: A fixed path, or None: the seed step gives it (its "urls"[name]).
    url: str | None = None
    min_ratio: float | None = None
    min_rps: float | None = None
    #: Depends on the number of dossiers: measured at every size, with its growth.
    grows: bool = False
    #: A staff list: the growth and single-user targets apply.
    staff_list: bool = False


PAGES = (
    Page("home_anonymous", None, "fr-btns-group", "/", min_ratio=ANONYMOUS_MIN_RATIO),
    Page("login", None, 'name="login"', "/comptes/login/", min_ratio=ANONYMOUS_MIN_RATIO),
    Page("healthz", None, '"status": "ok"', "/healthz", min_ratio=HEALTHZ_MIN_RATIO),
    Page("dossier_detail", "instructor", "{reference}", grows=True),
    Page("instructor_queue", "instructor", "Service n° ", grows=True, staff_list=True),
    Page("expert_queue", "expert", "Service n° ", grows=True, staff_list=True),
    Page("instructor_dossiers", "instructor", "Service n° ", "/", grows=True, staff_list=True),
    Page(
        "editor_dossiers",
        "editor",
        "Service n° ",
        "/?etat-editor=tous",
        grows=True,
        staff_list=True,
    ),
    Page("questionnaire", "questionnaire_editor", 'id="exigence-', min_rps=QUESTIONNAIRE_MIN_RPS),
    # POST of a measures Bundle with a sandbox access token (benchmarks/_fhir_http.py).
    Page(FHIR_PAGE, None, '"transaction-response"', min_ratio=FHIR_MEASURES_MIN_RATIO),
)
PAGE_NAMES = tuple(page.name for page in PAGES)


@dataclass(frozen=True)
class Config:
    sizes: tuple[int, ...] = DEFAULT_SIZES
    duration_s: int = DEFAULT_DURATION_S
    rounds: int = DEFAULT_ROUNDS
    pages: tuple[str, ...] = PAGE_NAMES
    pdfs: int = DEFAULT_PDFS

    @classmethod
    def from_env(cls, environ=os.environ) -> "Config":
        args = []
        for option in ("sizes", "duration", "rounds", "pages", "pdfs"):
            value = environ.get(f"BENCH_HTTP_{option.upper()}")
            if value:
                args += [f"--{option}", value]
        if environ.get("BENCH_HTTP_QUICK", "").lower() in {"1", "true", "yes"}:
            args.append("--quick")
        return config_from_args(args)


def _csv_of(kind: Callable[[str], object]) -> Callable[[str], tuple]:
    def parse(text: str) -> tuple:
        try:
            values = tuple(kind(part.strip()) for part in text.split(",") if part.strip())
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
        if not values:
            raise argparse.ArgumentTypeError("liste vide")
        return values

    return parse


def _page_name(text: str) -> str:
    if text not in PAGE_NAMES:
        raise ValueError(f"page inconnue : {text} (pages : {', '.join(PAGE_NAMES)})")
    return text


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks http",
        description="Le portail sous gunicorn + wrk, à côté d'une vue Django nue.",
    )
    parser.add_argument("--quick", action="store_true", help="petites tailles, passes de 2 s")
    parser.add_argument("--sizes", type=_csv_of(int), help="nombres de dossiers (1000,50000)")
    parser.add_argument("--duration", type=int, help="durée d'une passe de wrk, en secondes")
    parser.add_argument("--rounds", type=int, help="paires vue nue / page par page (2)")
    parser.add_argument("--pages", type=_csv_of(_page_name), help=", ".join(PAGE_NAMES))
    parser.add_argument("--pdfs", type=int, help="PDF rendus par le worker Celery (0 : aucun)")
    return parser


def config_from_args(argv: list[str]) -> Config:
    args = _parser().parse_args(argv)
    quick = args.quick
    config = Config(
        sizes=args.sizes or (QUICK_SIZES if quick else DEFAULT_SIZES),
        duration_s=args.duration or (QUICK_DURATION_S if quick else DEFAULT_DURATION_S),
        rounds=args.rounds or DEFAULT_ROUNDS,
        pages=args.pages or PAGE_NAMES,
        pdfs=args.pdfs if args.pdfs is not None else (QUICK_PDFS if quick else DEFAULT_PDFS),
    )
    if sorted(config.sizes) != list(config.sizes) or min(config.sizes) < 1:
        raise SystemExit("--sizes : des tailles croissantes, au moins 1")
    if config.duration_s < 1 or config.rounds < 1 or config.pdfs < 0:
        raise SystemExit("--duration et --rounds : au moins 1 ; --pdfs : au moins 0")
    return config


# ---------------------------------------------------------------------------------------------
# The benchmark
# ---------------------------------------------------------------------------------------------


def _web(config: Config, env: dict[str, str], folder: Path, log) -> Iterator[Metric]:
    env = {**env, **fhir_env(folder)}  # the sandbox's id_token key, as production has one
    seed_env = {**env, "CELERY_TASK_ALWAYS_EAGER": "true"}  # no stray task left on the broker
    pages = [page for page in PAGES if page.name in config.pages]
    sizes = config.sizes
    # The questionnaire's dossier (2023 referential, every requirement answered) only if wanted.
    questionnaire = "questionnaire" if "questionnaire" in config.pages else "-"
    seeded = data_step(seed_env, "seed", sizes[0], questionnaire)
    fhir_workers = FHIR_WORKERS if FHIR_PAGE in config.pages else None
    with pools(env, folder, log, fhir_workers=fhir_workers) as pool:
        port = pool.web_port

        def load(url: str, cookie: str | None = None, *, on: int = port, **options) -> WrkRun:
            run = wrk(
                f"http://127.0.0.1:{on}{url}",
                duration_s=config.duration_s,
                cookie=cookie,
                **options,
            )
            drain(on, fhir_workers if on != port else GUNICORN_WORKERS)
            return run

        def load_fhir(url: str, fhir: dict) -> WrkRun:
            on = pool.port_for(url)
            run = fhir_wrk(
                f"http://127.0.0.1:{on}{url}",
                token=fhir["token"],
                body=fhir["body"],
                folder=folder,
                duration_s=config.duration_s,
            )
            drain(on, fhir_workers if on != port else GUNICORN_WORKERS)
            return run

        people = {page.person for page in pages if page.person}
        log("http : connexions (formulaire de connexion, puis TOTP)")
        cookies = {
            person: sign_in(
                port,
                seeded["people"][person]["email"],
                seeded["password"],
                seeded["people"][person]["totp"],
            )
            for person in sorted(people)
        }
        pages = [
            replace(
                page,
                url=page.url or seeded["urls"][page.name],
                needle=page.needle.format(reference=seeded["reference"]),
            )
            for page in pages
        ]
        results: dict[str, list[tuple[int, list]]] = {}
        for index, size in enumerate(sizes):
            label = size_label(size)
            if index:
                seeded = data_step(seed_env, "seed", size, questionnaire)
            yield Metric(
                f"seed_{label}",
                seeded["seed_s"],
                "s",
                SEED_MAX_S,
                note=f"{seeded['added']} dossiers ajoutés (bulk_create), "
                f"{seeded['dossiers']} en tout",
            )
            bare_runs = []
            for page in pages if index == 0 else [p for p in pages if p.grows]:
                cookie = cookies.get(page.person)
                on = pool.port_for(page.url)  # the pool nginx would send it to
                if page.name == FHIR_PAGE:  # a POST with a token, not a page with a cookie
                    fhir = seeded["fhir"]
                    size_kb = check_fhir(on, page.url, fhir["token"], fhir["body"]) / 1024
                    measured = lambda page=page, fhir=fhir: load_fhir(page.url, fhir)  # noqa: E731
                else:
                    size_kb = check_page(port, page.url, cookie, page.needle) / 1024
                    measured = lambda page=page, cookie=cookie: load(page.url, cookie)  # noqa: E731
                log(f"http : {page.name} ({page.url}, {size_kb:.0f} kB) à {size} dossiers")
                pairs = interleave(config.rounds, lambda on=on: load(BARE_URL, on=on), measured)
                bare_runs += [bare for bare, _ in pairs]
                results.setdefault(page.name, []).append((size, pairs))
                yield from page_metrics(page, label, pairs)
            if bare_runs:
                yield Metric(
                    f"bare_rps_{label}",
                    median(run.rps for run in bare_runs),
                    "req/s",
                    note=f"GET {BARE_URL} (sans middleware), {len(bare_runs)} passes",
                )
        if len(sizes) > 1:
            for page in pages:
                if page.grows:
                    yield growth_metric(page, results[page.name][0], results[page.name][-1])
        label = size_label(sizes[-1])
        for page in pages:
            if page.grows:
                run = load(page.url, cookies.get(page.person), threads=1, connections=1)
                yield Metric(
                    f"{page.name}_single_user_p95_{label}",
                    run.p95_ms,
                    "ms",
                    SINGLE_USER_P95_MS if page.staff_list else None,
                    note=f"wrk -c1, {run.requests} requêtes, p50 {run.p50_ms:.1f} ms",
                )
        yield rss_metric("gunicorn_worker_rss_max", pool.web_master, "après les passes (web)")
        if pool.fhir_master:
            yield rss_metric(
                "gunicorn_fhir_worker_rss_max",
                pool.fhir_master,
                "après les passes (web-fhir, points d'accès FHIR)",
            )


def measure(config: Config, log) -> Iterator[Metric]:
    if not shutil.which("wrk"):
        raise RuntimeError("wrk est absent : apt-get install -y wrk")
    started = time.monotonic()
    log = _timed(log, started)
    folder = Path(tempfile.mkdtemp(prefix="bench-http-"))
    try:
        with (
            servers.postgres_server(folder, log) as server_url,
            servers.redis_server(folder, log) as redis_url,
        ):
            name = f"{servers.database_name(server_url)}_http_{os.getpid()}"
            made = []
            try:
                made.append(name)
                # Pages need the static files' manifest (hashed names): STATIC_ROOT's when it
                # has one (bin/test's tests collect it), otherwise collected here.
                static_root = Path(os.environ.get("STATIC_ROOT") or folder / "static")
                collect = not (static_root / "staticfiles.json").exists()
                database = servers.create_database(server_url, name)
                env = server_env(database, redis_url, folder, static_root)
                prepared = data_step(env, "prepare", "collectstatic" if collect else "-")
                log(
                    f"http : base migrée ({prepared['migrate_s']:.0f} s), "
                    f"statiques collectés ({prepared['total_s'] - prepared['migrate_s']:.0f} s)"
                )
                if config.pdfs:
                    made.append(f"{name}_pdf")  # a copy of the migrated, still empty database
                    pdf_url = servers.create_database(server_url, made[-1], template=name)
                yield from _web(config, env, folder, log)
                if config.pdfs:
                    yield from celery_memory(
                        config.pdfs, {**env, "DATABASE_URL": pdf_url}, folder, log
                    )
            finally:
                for made_name in made:
                    with contextlib.suppress(Exception):
                        servers.drop_database(server_url, made_name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _timed(log, started: float):
    def timed(message: str) -> None:
        log(f"[{time.monotonic() - started:6.1f} s] {message}")

    return timed


def run(ctx: Context) -> Iterator[Metric]:
    """`python -m benchmarks [http]`: configured by BENCH_HTTP_* (the harness's own SQLite
    database is not used: this benchmark brings its servers)."""
    yield from measure(Config.from_env(), ctx.log)


def main(argv: list[str]) -> int:
    config = config_from_args(argv)
    ctx = Context()
    try:
        for metric in measure(config, ctx.log):
            print(json_line(BENCH, metric), flush=True)
    except Exception:
        traceback.print_exc()
        print(f"Benchmark en échec : {BENCH}.", file=sys.stderr)
        return 1
    return 0
