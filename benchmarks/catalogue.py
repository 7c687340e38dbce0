"""The public catalogue under a real server: gunicorn (production settings, 2 sync workers),
PostgreSQL and Redis, loaded by Debian's `wrk`, each page side by side with the bare Django view
(`benchmarks/bare_wsgi.py`, no middleware) in the same run, A B A B.

    python -m benchmarks catalogue [--published 1000] [--others 10000] [--duration 10]
                                   [--rounds 2] [--quick]

Data: PUBLISHED listed services and OTHERS dossiers in other states (`_catalogue_data`).
Pages: the catalogue (no filter, two filters, a search), a service's page, the API's list. Each
is measured twice:
- as visitors get it: the same address again and again, which the public cache
  (portal/public_cache.py) answers after the first request — target ≥ 0.8× the bare view for
  the list and the API;
- *uncached*: each request with a parameter of its own (`wrk_uncached.lua`), so that Django
  renders every one — what a cache miss costs, reported with its ratio.
Then each page's single-user p95 (`wrk -c1`), cached and uncached — target ≤ 50 ms.
"""

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from statistics import median

from . import _servers as servers
from ._http_client import BARE_URL, WRK_SCRIPT, check_page, drain, parse_wrk
from ._servers import BASE_DIR, GUNICORN_WORKERS, gunicorn, server_env
from .harness import Context, Metric, json_line
from .http import Page, interleave, page_metrics

BENCH = "catalogue"
MIN_RATIO = 0.8
P95_MS = 50
UNCACHED_SCRIPT = Path(__file__).with_name("wrk_uncached.lua")

PAGES = (
    Page("catalogue_list", None, "services référencés", "/catalogue/", min_ratio=MIN_RATIO),
    Page(
        "catalogue_filtered",
        None,
        "fr-card",
        "/catalogue/?region=BRE&theme=sleep",
        min_ratio=MIN_RATIO,
    ),
    Page("catalogue_search", None, "fr-card", "/catalogue/?q=sommeil", min_ratio=MIN_RATIO),
    Page("detail", None, "Référencé le", None),
    Page("api_list", None, '"results"', "/api/v1/services/", min_ratio=MIN_RATIO),
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks catalogue")
    parser.add_argument("--published", type=int, default=1_000)
    parser.add_argument("--others", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="50 services, passes de 2 s")
    return parser


def _wrk(url: str, *, duration_s: int, uncached: bool, connections: int = 16):
    script = UNCACHED_SCRIPT if uncached else WRK_SCRIPT
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration_s}s"]
    command += ["--timeout", "10s", "-s", str(script), url]
    result = subprocess.run(
        command, cwd=BASE_DIR, capture_output=True, text=True, timeout=duration_s + 60, check=True
    )
    return parse_wrk(result.stdout)


def _seed(env: dict[str, str], published: int, others: int) -> dict:
    return servers.data_step(env, "seed", published, others, module="benchmarks._catalogue_data")


def measure(args, log) -> Iterator[Metric]:
    if not shutil.which("wrk"):
        raise RuntimeError("wrk est absent : apt-get install -y wrk")
    published, others, duration = args.published, args.others, args.duration
    if args.quick:
        published, others, duration = 50, 200, 2
    folder = Path(tempfile.mkdtemp(prefix="bench-catalogue-"))
    try:
        with (
            servers.postgres_server(folder, log) as server_url,
            servers.redis_server(folder, log) as redis_url,
        ):
            name = f"{servers.database_name(server_url)}_catalogue_{os.getpid()}"
            database = servers.create_database(server_url, name)
            try:
                static_root = Path(os.environ.get("STATIC_ROOT") or folder / "static")
                collect = not (static_root / "staticfiles.json").exists()
                env = server_env(database, redis_url, folder, static_root)
                # The API's per-address rate limit would answer 429 to the load generator.
                env["API_ANON_RATE"] = "100000000/minute"
                servers.data_step(env, "prepare", "collectstatic" if collect else "-")
                seeded = _seed({**env, "CELERY_TASK_ALWAYS_EAGER": "true"}, published, others)
                yield Metric(
                    "seed",
                    seeded["seed_s"],
                    "s",
                    note=f"{seeded['published']} services publiés, {seeded['dossiers']} dossiers",
                )
                yield from _pages(args, env, folder, log, seeded, duration)
            finally:
                with contextlib.suppress(Exception):
                    servers.drop_database(server_url, name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _pages(args, env, folder, log, seeded, duration) -> Iterator[Metric]:
    with gunicorn(env, folder, log) as (port, _master):
        base = f"http://127.0.0.1:{port}"

        def load(url: str, *, uncached: bool = False, connections: int = 16):
            run = _wrk(base + url, duration_s=duration, uncached=uncached, connections=connections)
            drain(port, GUNICORN_WORKERS)
            return run

        bare_runs = []
        for page in PAGES:
            url = page.url or seeded["detail"]
            size_kb = check_page(port, url, None, page.needle) / 1024
            for uncached in (False, True):
                variant = Page(
                    f"{page.name}_uncached" if uncached else page.name,
                    None,
                    page.needle,
                    url,
                    min_ratio=None if uncached else page.min_ratio,
                )
                log(f"catalogue : {variant.name} ({url}, {size_kb:.0f} kB)")
                pairs = interleave(
                    args.rounds,
                    lambda: load(BARE_URL),
                    lambda url=url, uncached=uncached: load(url, uncached=uncached),
                )
                bare_runs += [bare for bare, _ in pairs]
                yield from page_metrics(variant, f"{seeded['published']}", pairs)
                single = load(url, uncached=uncached, connections=1)
                yield Metric(
                    f"{variant.name}_single_user_p95",
                    single.p95_ms,
                    "ms",
                    P95_MS,
                    note=f"wrk -c1, {single.requests} requêtes, p50 {single.p50_ms:.1f} ms",
                )
        yield Metric(
            "bare_rps",
            median(run.rps for run in bare_runs),
            "req/s",
            note=f"GET {BARE_URL} (sans middleware), {len(bare_runs)} passes",
        )


def run(ctx: Context) -> Iterator[Metric]:
    """`python -m benchmarks catalogue`: defaults (1,000 published, 10,000 others)."""
    yield from measure(_parser().parse_args([]), ctx.log)


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    ctx = Context()
    started = time.monotonic()

    def log(message: str) -> None:
        ctx.log(f"[{time.monotonic() - started:6.1f} s] {message}")

    try:
        for metric in measure(args, log):
            print(json_line(BENCH, metric), flush=True)
    except Exception:
        traceback.print_exc()
        print(f"Benchmark en échec : {BENCH}.", file=sys.stderr)
        return 1
    return 0
