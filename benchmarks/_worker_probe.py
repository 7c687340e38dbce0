"""A gunicorn configuration module for the worker-memory benchmark (`benchmarks.worker_memory`):

    gunicorn -c python:benchmarks._worker_probe benchmarks.bare_wsgi:application

Inside each worker, once the application is loaded (`post_worker_init`) and after each request
(`post_request`), one JSON line is appended to the file named by $BENCH_WORKER_PROBE: the
worker's PID, the request, its resident memory (VmRSS) and the modules the request imported.
That is how the benchmark knows what each page costs and whether a page pulled a module a web
worker must never hold (WeasyPrint, pyHanko: the Celery worker renders and signs the PDFs).
No Django here: this module is read by the gunicorn master before the application is loaded.
"""

import json
import os
import sys

#: Modules whose presence in a web worker the benchmark reports (each with its reason).
WATCHED = (
    "weasyprint",  # PDFs are rendered by the Celery worker only
    "pyhanko",  # PDFs are signed by the Celery worker only
    "drf_spectacular.generators",  # the OpenAPI generator: the schema and docs pages only
    "fhir.resources",  # fhir.resources' models: the sandbox's FHIR endpoints only
    "pydantic",  # what fhir.resources is built on
)

_seen: set[str] = set()


def vm_rss_kib(pid: int | str = "self") -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _record(event: dict) -> None:
    target = os.environ.get("BENCH_WORKER_PROBE")
    if not target:
        return
    modules = set(sys.modules)
    new = sorted(modules - _seen)
    _seen.update(new)
    packages = sorted({name.split(".")[0] for name in new})
    event.update(
        pid=os.getpid(),
        rss_kib=vm_rss_kib(),
        modules=len(modules),
        new_modules=len(new),
        new_packages=packages,
        watched=[name for name in WATCHED if name in modules],
    )
    with open(target, "a", encoding="utf-8") as out:
        out.write(json.dumps(event) + "\n")


def post_worker_init(worker) -> None:
    _record({"event": "started"})


def post_request(worker, req, environ, resp) -> None:
    status = getattr(resp, "status_code", None) or str(getattr(resp, "status", "")).split()[0]
    _record(
        {
            "event": "request",
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": int(status) if str(status).isdigit() else status,
        }
    )
