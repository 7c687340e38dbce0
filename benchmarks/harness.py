"""What every benchmark shares: finding them, a throwaway database, timing, and the JSON lines.

Nothing here imports Django at module level, so `--list` and the harness's tests need no settings.
"""

import argparse
import contextlib
import importlib
import json
import math
import os
import pkgutil
import secrets
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
#: Modules of the package that are not benchmarks.
NOT_BENCHMARKS = frozenset({"harness", "bare_wsgi"})
#: Benchmarks that bring their own servers and options: `python -m benchmarks NAME [OPTIONS]`
#: hands the command line over to `benchmarks.NAME.main`.
STANDALONE = frozenset({"http", "catalogue", "fhir_validation", "worker_memory"})

DEFAULT_SAMPLES = 60
DEFAULT_WARMUP = 5


def available() -> list[str]:
    """The benchmarks' names: one per module of this package."""
    return sorted(
        module.name
        for module in pkgutil.iter_modules([str(PACKAGE_DIR)])
        if not module.ispkg
        and not module.name.startswith("_")
        and module.name not in NOT_BENCHMARKS
    )


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------


def percentile(samples: Iterable[float], p: float) -> float:
    """The p-th percentile (0–100), interpolated between the two nearest ranks."""
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("aucun échantillon")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile hors de [0, 100] : {p}")
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Metric:
    """One figure. `ok` holds when there is no target, or when the value is on the right side of
    it: at most the target, or at least when `at_least` (work done, e.g. requirements answered)."""

    name: str
    value: float | None
    unit: str
    target: float | None = None
    at_least: bool = False
    note: str = ""

    @property
    def ok(self) -> bool:
        if self.target is None:
            return True
        if self.value is None:
            return False
        return self.value >= self.target if self.at_least else self.value <= self.target

    def as_dict(self, bench: str) -> dict[str, Any]:
        data = {
            "bench": bench,
            "metric": self.name,
            "value": _round(self.value),
            "unit": self.unit,
            "target": self.target,
            "ok": self.ok,
        }
        if self.note:
            data["note"] = self.note
        return data


def json_line(bench: str, metric: Metric) -> str:
    return json.dumps(metric.as_dict(bench), ensure_ascii=False)


def ratio(value: float, baseline: float, name: str, note: str = "") -> Metric:
    """How many times the baseline a figure is: no target, a reading aid on noisy machines."""
    return Metric(name, value / baseline if baseline else None, "x", note=note)


@dataclass
class Timings:
    """Wall-clock durations of one case, in milliseconds."""

    samples_ms: list[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return percentile(self.samples_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples_ms, 95)


@dataclass
class Case:
    """Something to time: `call` is timed, `check` (given call's result) is not."""

    call: Callable[[], Any]
    check: Callable[[Any], None] = lambda result: None


def measure(cases: dict[str, Case], *, warmup: int, samples: int) -> dict[str, Timings]:
    """Run every case `warmup` times untimed, then `samples` times timed.

    The cases take turns (a, b, c, a, b, c…) so that a noisy neighbour on the machine slows them
    all alike, and the ratios to a baseline case stay meaningful."""
    for _ in range(warmup):
        for case in cases.values():
            case.check(case.call())
    timings = {name: Timings() for name in cases}
    for _ in range(samples):
        for name, case in cases.items():
            start = time.perf_counter_ns()
            result = case.call()
            elapsed = time.perf_counter_ns() - start
            case.check(result)
            timings[name].samples_ms.append(elapsed / 1e6)
    return timings


def count_queries(call: Callable[[], Any]) -> tuple[int, Any]:
    """The number of SQL queries `call` runs on the default database, and its result."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured), result


def expect_status(status: int) -> Callable[[Any], None]:
    """A `Case.check` that fails loudly when a response is not the expected one: a benchmark
    must never time error pages or redirects."""

    def check(response) -> None:
        if response.status_code != status:
            raise AssertionError(
                f"{response.request['REQUEST_METHOD']} {response.request['PATH_INFO']} : "
                f"statut {response.status_code}, {status} attendu"
            )

    return check


@dataclass
class Context:
    samples: int = DEFAULT_SAMPLES
    warmup: int = DEFAULT_WARMUP

    def log(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    def measure(self, cases: dict[str, Case]) -> dict[str, Timings]:
        return measure(cases, warmup=self.warmup, samples=self.samples)


def baseline_case(client) -> Case:
    """The reference every benchmark compares with: the bare health view (one query, a JSON
    body) through the same client, middleware and database."""
    return Case(lambda: client.get("/healthz"), expect_status(200))


# ---------------------------------------------------------------------------------------------
# A throwaway database
# ---------------------------------------------------------------------------------------------


def prepare_environment(workdir: Path) -> None:
    """Point the settings at throwaway places; to be called before Django is set up.

    Without DATABASE_URL: SQLite in `workdir`, DEBUG on (the development set-up). With it: that
    server, where `throwaway_database` creates (and drops) a database of its own. Either way
    evidence files go to `workdir` and Celery tasks run in the process: the benchmarks time the
    web process, not a broker."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
        os.environ["DEBUG"] = "true"
    os.environ.setdefault("SECRET_KEY", f"benchmarks-only-{secrets.token_hex(24)}")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["PRIVATE_MEDIA_ROOT"] = str(workdir / "private")
    # Decision and convention PDFs are signed: a throwaway seal of the run's own.
    from portal.pki import generate_throwaway_pki, signing_environment

    os.environ.update(signing_environment(generate_throwaway_pki(workdir / "pki")))


@contextlib.contextmanager
def throwaway_database(workdir: Path) -> Iterator[None]:
    """Set Django up and migrate a database of the benchmarks' own, dropped on the way out.

    Django's test-database machinery, under a name no test run uses (`<name>_bench_<pid>`, or a
    file in `workdir`), so that nothing real and no concurrent pytest is ever touched.

    `setup_test_environment()` is deliberately not called: it swaps in an instrumented template
    renderer that copies every context for the test client, which would inflate page timings.
    The few settings it changes are overridden here instead."""
    import django

    django.setup()

    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings

    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test["NAME"] = str(workdir / "test_bench.sqlite3")
    else:
        test["NAME"] = f"{connection.settings_dict['NAME']}_bench_{os.getpid()}"
    overrides = {
        "ALLOWED_HOSTS": [*settings.ALLOWED_HOSTS, "testserver"],
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "SECURE_SSL_REDIRECT": False,
    }
    if not settings.DEBUG:
        # Templates call {% static %}: without collectstatic's manifest, plain names.
        overrides["STORAGES"] = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    old_name = connection.settings_dict["NAME"]
    with override_settings(**overrides):
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            yield
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def empty_database() -> None:
    """Remove every row, so that the next benchmark starts from a freshly migrated database."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def _count(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"nombre entier attendu : {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"au moins {minimum} attendu : {value}")
        return value

    return parse


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Mesure les objectifs de vitesse ; une ligne JSON par mesure sur la sortie.",
    )
    parser.add_argument(
        "names", nargs="*", metavar="NOM", help="benchmarks à lancer (défaut : tous)"
    )
    parser.add_argument(
        "--samples",
        type=_count(1),
        default=DEFAULT_SAMPLES,
        help=f"mesures par cas (défaut : {DEFAULT_SAMPLES})",
    )
    parser.add_argument(
        "--warmup",
        type=_count(0),
        default=DEFAULT_WARMUP,
        help=f"requêtes d'échauffement non mesurées (défaut : {DEFAULT_WARMUP})",
    )
    parser.add_argument("--list", action="store_true", help="affiche les benchmarks disponibles")
    return parser


def run_benchmark(name: str, ctx: Context, out=None) -> None:
    """Import `benchmarks.<name>`, run it, and print each metric as soon as it is known."""
    out = out or sys.stdout
    module = importlib.import_module(f"{__package__}.{name}")
    for metric in module.run(ctx):
        print(json_line(name, metric), file=out, flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in STANDALONE:
        return importlib.import_module(f"{__package__}.{argv[0]}").main(argv[1:])
    args = _parser().parse_args(argv)
    names = available()
    if args.list:
        print("\n".join(names))
        return 0
    unknown = [name for name in args.names if name not in names]
    if unknown:
        print(
            f"Benchmark inconnu : {', '.join(unknown)}. Disponibles : {', '.join(names)}.",
            file=sys.stderr,
        )
        return 2
    selected = list(dict.fromkeys(args.names)) or names
    ctx = Context(samples=args.samples, warmup=args.warmup)
    workdir = Path(tempfile.mkdtemp(prefix="benchmarks-"))
    failed = []
    try:
        prepare_environment(workdir)
        with throwaway_database(workdir):
            for index, name in enumerate(selected):
                if index:
                    empty_database()
                try:
                    run_benchmark(name, ctx)
                except Exception:
                    traceback.print_exc()
                    failed.append(name)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if failed:
        print(f"Benchmark en échec : {', '.join(failed)}.", file=sys.stderr)
        return 1
    return 0


def _round(value):
    """Two decimals, but never fewer than three significant figures (a 0.0066 ratio stays
    0.0066, not 0.01)."""
    if not isinstance(value, float) or value == 0:
        return value
    return float(f"{value:.3g}") if abs(value) < 1 else round(value, 2)
