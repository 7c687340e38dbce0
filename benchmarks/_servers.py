"""Throwaway servers for the real-server benchmark (`benchmarks.http`), and what it reads about
processes. No Django here: the orchestrating process never sets Django up.

- PostgreSQL: DATABASE_URL's server when it is a PostgreSQL URL, otherwise a cluster of our own
  (`initdb` in a temporary folder, started as the `postgres` user on 127.0.0.1, a free port, no
  durability), stopped by PID. Either way the benchmark works in databases of its own, dropped
  at the end, never in the one DATABASE_URL names.
- Redis: REDIS_URL when given, otherwise `redis-server` on a free loopback port, stopped by PID.
- The portal: `gunicorn benchmarks.bare_wsgi:application` with production settings, and the
  Django steps of `benchmarks._http_data` run as subprocesses with the same environment.
"""

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ._http_client import BARE_URL, Browser
from .harness import PACKAGE_DIR

POSTGRES_SCHEMES = ("postgres://", "postgresql://", "pgsql://")
BASE_DIR = PACKAGE_DIR.parent
GUNICORN_WORKERS = 2
START_TIMEOUT_S = 90

Log = Callable[[str], None]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
    """Stop a process we started, by its PID: `sig`, then SIGKILL if it lingers."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


# ---------------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------------


def _postgres_bin() -> Path:
    candidates = sorted(
        (p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if candidates:
        return candidates[-1]
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl:
        return Path(pg_ctl).parent
    raise RuntimeError("ni DATABASE_URL PostgreSQL ni binaires PostgreSQL (initdb, pg_ctl)")


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its binaries as the `postgres` user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def postgres_server(folder: Path, log: Log) -> Iterator[str]:
    """The URL of a PostgreSQL server where we may create databases."""
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(POSTGRES_SCHEMES):
        yield given
        return
    bindir = _postgres_bin()
    pgdir = folder / "pg"
    pgdir.mkdir()
    if os.geteuid() == 0:
        folder.chmod(0o755)  # the postgres user must reach its folder
        shutil.chown(pgdir, "postgres", "postgres")
    pgdir.chmod(0o700)
    port = free_port()
    data = pgdir / "data"
    subprocess.run(
        _as_postgres(
            [str(bindir / "initdb"), f"--pgdata={data}", "--username=postgres", "--auth=trust"]
            + ["--encoding=UTF8", "--locale=C.UTF-8"]
        ),
        check=True,
        capture_output=True,
        cwd="/",
    )
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(
            f"listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{pgdir}'\n"
            "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 50\n"
        )
    subprocess.run(
        _as_postgres(
            [str(bindir / "pg_ctl"), f"--pgdata={data}", f"--log={pgdir / 'server.log'}"]
            + ["--wait", "--timeout=30", "start"]
        ),
        check=True,
        capture_output=True,
        cwd="/",
    )
    pid = int((data / "postmaster.pid").read_text().splitlines()[0])
    log(f"http : PostgreSQL jetable sur 127.0.0.1:{port} (PID {pid})")
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGINT)  # PostgreSQL's fast shutdown
            if not _wait_gone(pid, 20):
                os.kill(pid, signal.SIGKILL)


def database_url(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{name}", query=""))


def _admin(server_url: str):
    import psycopg

    return psycopg.connect(server_url, autocommit=True)


def create_database(server_url: str, name: str, template: str | None = None) -> str:
    from psycopg import sql

    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with _admin(server_url) as conn:
        conn.execute(statement)
    return database_url(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    from psycopg import sql

    with _admin(server_url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def database_name(server_url: str) -> str:
    return urlsplit(server_url).path.lstrip("/") or "postgres"


# ---------------------------------------------------------------------------------------------
# Redis
# ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def redis_server(folder: Path, log: Log) -> Iterator[str]:
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    if not shutil.which("redis-server"):
        raise RuntimeError("ni REDIS_URL ni redis-server")
    import redis

    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"redis://127.0.0.1:{port}/0"
        client = redis.Redis.from_url(url)
        for _ in range(100):
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    break
            time.sleep(0.05)
        client.close()
        log(f"http : redis-server jetable sur 127.0.0.1:{port} (PID {process.pid})")
        yield url
    finally:
        stop(process)


# ---------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    """The PIDs whose parent is `pid` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name, in parentheses, may hold spaces: the parent PID follows the last ")".
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def rss_mb(pid: int) -> float | None:
    """A process's resident memory (VmRSS), in MB (10^6 bytes); None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        return None
    return None


# ---------------------------------------------------------------------------------------------
# The portal's processes: its environment, its Django steps, gunicorn
# ---------------------------------------------------------------------------------------------


def server_env(
    database_url: str, redis_url: str, folder: Path, static_root: Path
) -> dict[str, str]:
    """Production settings over plain http on the loopback (as bin/test runs the tests)."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        CELERY_TASK_ALWAYS_EAGER="false",
        DEBUG="false",
        SECRET_KEY=f"bench-http-{secrets.token_hex(24)}",
        AUDIT_HMAC_KEY=f"bench-http-audit-{secrets.token_hex(24)}",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        PRIVATE_MEDIA_ROOT=str(folder / "private"),
        STATIC_ROOT=str(static_root),
        EMAIL_URL="dummymail://",
        LOG_LEVEL="WARNING",
    )
    # Decision and convention PDFs are signed: a throwaway seal of the run's own.
    from portal.pki import generate_throwaway_pki, signing_environment

    env.update(signing_environment(generate_throwaway_pki(folder / "pki")))
    return env


def data_step(env: dict[str, str], *args: object, module: str = "benchmarks._http_data") -> dict:
    """`python -m MODULE ARGS…` (the benchmark's data side): its JSON answer."""
    result = subprocess.run(
        [sys.executable, "-m", module, *map(str, args)],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str],
    folder: Path,
    log,
    *,
    workers: int = GUNICORN_WORKERS,
    options: tuple[str, ...] = (),
    name: str = "gunicorn",
) -> Iterator[tuple[int, int]]:
    """`gunicorn benchmarks.bare_wsgi:application`: (port, master PID) once it answers and its
    `workers` workers are up. `options` are added to the command line (e.g. a `-c` config)."""
    port = free_port()
    logfile = folder / f"{name}.log"
    command = [sys.executable, "-m", "gunicorn", "benchmarks.bare_wsgi:application"]
    command += [f"--workers={workers}", "--worker-class=sync", *options]
    command += [f"--bind=127.0.0.1:{port}", "--no-control-socket", "--timeout=120"]
    command += [f"--error-logfile={logfile}", "--log-level=warning"]
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn s'est arrêté :\n{logfile.read_text()[-4000:]}")
            with contextlib.suppress(OSError):
                answered = Browser(port).request("GET", BARE_URL)[0] == 200
                if answered and len(children(process.pid)) >= workers:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn ne répond pas")
            time.sleep(0.2)
        log(f"http : {name} sur 127.0.0.1:{port} (PID {process.pid}, {workers} workers)")
        yield port, process.pid
    finally:
        stop(process)
