"""A gunicorn worker's memory, page by page, in each pool production runs (issue 14: ≤ 150 MB).

    python -m benchmarks worker_memory [--size 1000] [--repeats 20]

(the same through the environment: BENCH_MEMORY_SIZE, BENCH_MEMORY_REPEATS.)

What it does:
1. Its own PostgreSQL and Redis and database, migrated and seeded as `benchmarks.http` does
   (the same people, dossiers, questionnaire and sandbox token).
2. Where the memory goes before any request (`benchmarks/_worker_imports.py`, in a process of
   its own with the server's environment): the interpreter, `django.setup()`, the WSGI
   application, the URLconf, each warm-up — the VmRSS each step adds and what it imports.
3. The two pools of docker/compose.yaml (`benchmarks/_pools.py`), one worker each, with the
   probe of `benchmarks/_worker_probe.py` (a gunicorn config: after each request the worker
   writes its VmRSS and the modules the request imported): the sign-ins, then each page of
   `benchmarks.http` once, in the pool nginx sends it to (the FHIR endpoint to `web-fhir`),
   then `--repeats` more rounds of every page. Figures: each worker's VmRSS at start, after
   each page's first request (with what it added and imported), after every page, after the
   repeats; whether a web worker imported what it must never hold (WeasyPrint, pyHanko).
4. For comparison, the single pool the portal ran before (one worker serving everything,
   warmed up): its VmRSS after the same requests.

RSS is VmRSS (/proc/PID/status, MB of 10^6 bytes), as `benchmarks.http` reads it: unlike
throughput, it hardly depends on the machine's other tenants.
"""

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import _servers as servers
from ._fhir_http import PAGE as FHIR_PAGE
from ._fhir_http import check_fhir
from ._fhir_http import fhir_env as sandbox_key_env
from ._http_client import check_page, sign_in
from ._pools import WORKER_RSS_MB, pools
from .harness import Context, Metric, json_line
from .http import PAGES

BENCH = "worker_memory"
DEFAULT_SIZE = 1_000
DEFAULT_REPEATS = 20
PROBE_CONFIG = ("-c", "python:benchmarks._worker_probe")
#: A web worker must never import these: the Celery worker renders and signs the PDFs.
FORBIDDEN = ("weasyprint", "pyhanko")


@dataclass(frozen=True)
class Config:
    size: int = DEFAULT_SIZE
    repeats: int = DEFAULT_REPEATS


def config_from_args(argv: list[str], environ=os.environ) -> Config:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks worker_memory",
        description="La mémoire d'un worker gunicorn, page par page, dans chaque groupe.",
    )
    parser.add_argument("--size", type=int, help=f"dossiers ({DEFAULT_SIZE})")
    parser.add_argument(
        "--repeats", type=int, help=f"tours de toutes les pages ({DEFAULT_REPEATS})"
    )
    args = parser.parse_args(argv)
    size = args.size or int(environ.get("BENCH_MEMORY_SIZE") or DEFAULT_SIZE)
    repeats = args.repeats
    if repeats is None:
        repeats = int(environ.get("BENCH_MEMORY_REPEATS") or DEFAULT_REPEATS)
    if size < 1 or repeats < 0:
        raise SystemExit("--size : au moins 1 ; --repeats : au moins 0")
    return Config(size=size, repeats=repeats)


def _mb(kib: int | None) -> float | None:
    return None if kib is None else kib * 1024 / 1e6


# ---------------------------------------------------------------------------------------------
# Before any request
# ---------------------------------------------------------------------------------------------


def import_steps(env: dict[str, str]) -> Iterator[Metric]:
    """`benchmarks._worker_imports` in the `web-fhir` pool's environment (every warm-up)."""
    steps = servers.data_step(env, module="benchmarks._worker_imports")["steps"]
    for step in steps:
        name = step["step"].replace(" ", "_").replace(".", "_")
        packages = ", ".join(step["new_packages"][:25])
        more = len(step["new_packages"]) - 25
        yield Metric(
            f"import_{name}_added",
            _mb(step["added_kib"]),
            "MB",
            note=f"{step['step']} : VmRSS {_mb(step['rss_kib']):.1f} MB, "
            f"{step['new_modules']} modules ({packages}{f', +{more}' if more > 0 else ''})",
        )


# ---------------------------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------------------------


def _requests(seeded: dict, pool, cookies: dict) -> list[tuple[str, object]]:
    """(page name, a call that makes its request once) for every page of benchmarks.http, each
    sent to the pool nginx would send it to."""
    calls = []
    for page in PAGES:
        url = page.url or seeded["urls"].get(page.name)
        if url is None:
            continue
        port = pool.port_for(url)
        if page.name == FHIR_PAGE:
            fhir = seeded["fhir"]
            call = lambda port=port, url=url, fhir=fhir: check_fhir(  # noqa: E731
                port, url, fhir["token"], fhir["body"]
            )
        else:
            needle = page.needle.format(reference=seeded["reference"])
            cookie = cookies.get(page.person)
            call = lambda port=port, url=url, cookie=cookie, needle=needle: check_page(  # noqa: E731
                port, url, cookie, needle
            )
        calls.append((page.name, call))
    return calls


def _read_probe(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _wait_lines(path: Path, count: int | None = None, timeout: float = 15) -> list[dict]:
    """The probe's lines once there are `count` of them (a worker writes its line just after
    sending the answer), or once their number has stopped changing (count None)."""
    deadline = time.monotonic() + timeout
    lines = _read_probe(path)
    while time.monotonic() < deadline:
        time.sleep(0.05 if count is not None else 0.3)
        again = _read_probe(path)
        if count is not None and len(again) >= count:
            return again
        if count is None and len(again) == len(lines):
            return again
        lines = again
    if count is not None:
        raise RuntimeError(f"sonde : {len(lines)} lignes, {count} attendues")
    return lines


def _serve(env, folder, log, seeded, *, split: bool, repeats: int) -> dict:
    """Every page once, then `repeats` rounds, against one worker per pool (`split`) or one
    worker serving everything (the single pool, warmed up)."""
    label = "deux groupes" if split else "un seul groupe"
    probe = folder / f"probe-{'split' if split else 'single'}.jsonl"
    probe.unlink(missing_ok=True)
    env = {**env, "BENCH_WORKER_PROBE": str(probe)}
    with pools(
        env, folder, log, workers=1, fhir_workers=1, single=not split, options=PROBE_CONFIG
    ) as pool:
        log(f"worker_memory : {label}, connexions")
        people = {page.person for page in PAGES if page.person}
        cookies = {
            person: sign_in(
                pool.web_port,
                seeded["people"][person]["email"],
                seeded["password"],
                seeded["people"][person]["totp"],
            )
            for person in sorted(people)
        }
        count = len(_wait_lines(probe))
        signed_in = count
        pages = []
        calls = _requests(seeded, pool, cookies)
        for name, call in calls:
            call()
            count += 1
            pages.append((name, _wait_lines(probe, count)[-1]))
        log(f"worker_memory : {label}, {repeats} tours de {len(calls)} pages")
        for _ in range(repeats):
            for _name, call in calls:
                call()
        count += repeats * len(calls)
        lines = _wait_lines(probe, count)
        pids = {"web": servers.children(pool.web_master)}
        if pool.fhir_master:
            pids["web-fhir"] = servers.children(pool.fhir_master)
        final = {pid: servers.rss_mb(pid) for group in pids.values() for pid in group}
    return {"lines": lines, "signed_in": signed_in, "pages": pages, "pids": pids, "final": final}


def _pool_of(pids: dict, pid: int) -> str:
    return next((name for name, group in pids.items() if pid in group), "?")


def _key(pool: str) -> str:
    return pool.replace("-", "_")


def page_metrics(run: dict, prefix: str, target: float | None = WORKER_RSS_MB) -> Iterator[Metric]:
    """Per pool: VmRSS at start, after the sign-ins, after each page's first request (what it
    added, what it imported), after every page once, after the repeats (against `target`:
    None for the single pool, a comparison); forbidden modules."""
    lines, pids = run["lines"], run["pids"]
    last: dict[int, dict] = {}
    for line in lines[: run["signed_in"]]:
        if line["event"] == "started":
            yield Metric(
                f"{prefix}{_key(_pool_of(pids, line['pid']))}_rss_started",
                _mb(line["rss_kib"]),
                "MB",
                note=f"PID {line['pid']} : application chargée ({line['modules']} modules ; "
                f"surveillés : {', '.join(line['watched']) or 'aucun'})",
            )
        last[line["pid"]] = line
    web = pids["web"][0] if pids["web"] else None
    if web in last:
        yield Metric(
            f"{prefix}rss_after_sign_in",
            _mb(last[web]["rss_kib"]),
            "MB",
            note="web : formulaire de connexion et étape TOTP de chaque personne",
        )
    for name, line in run["pages"]:
        before = last.get(line["pid"], line)
        last[line["pid"]] = line
        packages = line["new_packages"]
        yield Metric(
            f"{prefix}rss_after_{name}",
            _mb(line["rss_kib"]),
            "MB",
            note=f"{_pool_of(pids, line['pid'])}, {line['method']} {line['path']} "
            f"({line['status']}) : {_mb(line['rss_kib'] - before['rss_kib']):+.1f} MB, "
            f"{line['new_modules']} modules importés"
            + (f" ({', '.join(packages[:20])})" if packages else ""),
        )
    for pool, group in pids.items():
        seen = [line for pid, line in last.items() if pid in group]
        if seen:
            yield Metric(
                f"{prefix}{_key(pool)}_rss_after_every_page",
                _mb(max(line["rss_kib"] for line in seen)),
                "MB",
                target,
                note="chaque page une fois, connexions comprises",
            )
        mine = [line for line in lines if line["pid"] in group and line["event"] == "request"]
        final = [run["final"].get(pid) for pid in group if run["final"].get(pid)]
        if mine:
            yield Metric(
                f"{prefix}{_key(pool)}_rss_after_repeats",
                max(final) if final else _mb(mine[-1]["rss_kib"]),
                "MB",
                target,
                note=f"{len(mine)} requêtes en tout ; {mine[-1]['modules']} modules",
            )
            watched = mine[-1]["watched"]
            forbidden = [name for name in FORBIDDEN if name in watched]
            yield Metric(
                f"{prefix}{_key(pool)}_forbidden_modules",
                float(len(forbidden)),
                "modules",
                0,
                note="surveillés et importés : " + (", ".join(watched) or "aucun"),
            )


# ---------------------------------------------------------------------------------------------
# The benchmark
# ---------------------------------------------------------------------------------------------


def measure(config: Config, log) -> Iterator[Metric]:
    folder = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    try:
        with (
            servers.postgres_server(folder, log) as server_url,
            servers.redis_server(folder, log) as redis_url,
        ):
            name = f"{servers.database_name(server_url)}_memory_{os.getpid()}"
            database = servers.create_database(server_url, name)
            try:
                static_root = Path(os.environ.get("STATIC_ROOT") or folder / "static")
                collect = not (static_root / "staticfiles.json").exists()
                env = servers.server_env(database, redis_url, folder, static_root)
                env = {**env, **sandbox_key_env(folder)}
                servers.data_step(env, "prepare", "collectstatic" if collect else "-")
                seeded = servers.data_step(
                    {**env, "CELERY_TASK_ALWAYS_EAGER": "true"},
                    "seed",
                    config.size,
                    "questionnaire",
                )
                log(f"worker_memory : {seeded['dossiers']} dossiers")
                yield from import_steps(env)
                run = _serve(env, folder, log, seeded, split=True, repeats=config.repeats)
                yield from page_metrics(run, "")
                # For comparison: the portal before the FHIR pool (no target).
                run = _serve(env, folder, log, seeded, split=False, repeats=config.repeats)
                yield from page_metrics(run, "single_pool_", target=None)
            finally:
                with contextlib.suppress(Exception):
                    servers.drop_database(server_url, name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(ctx: Context) -> Iterator[Metric]:
    """`python -m benchmarks [worker_memory]`: configured by BENCH_MEMORY_* (it brings its own
    servers: the harness's database is not used)."""
    yield from measure(config_from_args([]), ctx.log)


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
