"""The two gunicorn pools production runs (docker/compose.yaml, routed by docker/nginx.conf), as
the real-server benchmarks serve them: one gunicorn each, on its own loopback port.

- `web`: every page, with no warm-up (`WSGI_WARM_UP` empty): its workers never load
  fhir.resources' models (sandbox/fhir/parsing.py imports them on first validation only);
- `web-fhir`: the FHIR endpoints (`FHIR_PREFIXES`), warmed up at start (the settings' default
  `WSGI_WARM_UP`), so that the first call of a worker is as fast as the others.

Each worker's resident memory is measured in its own pool (`rss_metric`): the target
(≤ 150 MB, issue 14) applies to both. No Django here.
"""

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import _servers as servers
from .harness import Metric

#: Workers of the FHIR pool (docker/compose.yaml's FHIR_WORKERS default).
FHIR_WORKERS = 2
#: What nginx sends to `web-fhir`.
FHIR_PREFIXES = ("/bac-a-sable/fhir/", "/api/fhir/")
#: Issue 14: a gunicorn worker's VmRSS, in either pool.
WORKER_RSS_MB = 150


def is_fhir(path: str) -> bool:
    return path.startswith(FHIR_PREFIXES)


def web_env(env: dict[str, str]) -> dict[str, str]:
    """The `web` pool's environment: no warm-up (compose sets WSGI_WARM_UP to "")."""
    return {**env, "WSGI_WARM_UP": ""}


def fhir_env(env: dict[str, str]) -> dict[str, str]:
    """The `web-fhir` pool's environment: the settings' default warm-up."""
    return {key: value for key, value in env.items() if key != "WSGI_WARM_UP"}


@dataclass(frozen=True)
class Pools:
    web_port: int
    web_master: int
    fhir_port: int | None = None
    fhir_master: int | None = None

    def port_for(self, path: str) -> int:
        """The port nginx would send `path` to."""
        if self.fhir_port is not None and is_fhir(path):
            return self.fhir_port
        return self.web_port


@contextlib.contextmanager
def pools(
    env: dict[str, str],
    folder: Path,
    log,
    *,
    workers: int = servers.GUNICORN_WORKERS,
    fhir_workers: int | None = FHIR_WORKERS,
    options: tuple[str, ...] = (),
    single: bool = False,
) -> Iterator[Pools]:
    """Both pools (only `web` when `fhir_workers` is None or 0). `single`: one pool that serves
    everything, warmed up (the portal before the FHIR pool, for comparison)."""
    if single:
        fhir_workers = None
    first = fhir_env(env) if single else web_env(env)
    with servers.gunicorn(first, folder, log, workers=workers, options=options) as web:
        if not fhir_workers:
            yield Pools(*web)
            return
        with servers.gunicorn(
            fhir_env(env),
            folder,
            log,
            workers=fhir_workers,
            options=options,
            name="gunicorn-fhir",
        ) as fhir:
            yield Pools(*web, *fhir)


def workers_rss(master: int) -> dict[int, float | None]:
    return {pid: servers.rss_mb(pid) for pid in servers.children(master)}


def rss_metric(name: str, master: int, what: str) -> Metric:
    """The largest VmRSS of a pool's workers, against the target."""
    rss = workers_rss(master)
    known = [value for value in rss.values() if value is not None]
    return Metric(
        name,
        max(known) if known else None,
        "MB",
        WORKER_RSS_MB,
        note=f"VmRSS {what} : "
        + ", ".join(f"PID {pid} {value:.1f} MB" for pid, value in rss.items() if value),
    )
