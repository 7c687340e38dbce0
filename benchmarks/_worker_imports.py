"""Where a web worker's memory goes before its first request, step by step (the Django side of
`benchmarks.worker_memory`, run as a subprocess with the server's environment):

    python -m benchmarks._worker_imports

Steps, as a gunicorn worker takes them: the interpreter with gunicorn imported, `django.setup()`
(the apps and their `ready()`), the WSGI application (`portal.wsgi`, its warm-ups left out),
the URLconf (loaded by the first request), then each of `settings.WSGI_WARM_UP`. For each step:
the resident memory (VmRSS) it added and the top-level packages it imported. Prints one JSON
object on its last line.
"""

import json
import sys

from ._worker_probe import vm_rss_kib


def main(argv: list[str]) -> int:
    steps = []
    state = {"rss": vm_rss_kib(), "modules": set(sys.modules)}

    def step(name: str) -> None:
        rss = vm_rss_kib()
        modules = set(sys.modules)
        new = modules - state["modules"]
        entry = {
            "step": name,
            "rss_kib": rss,
            "added_kib": rss - state["rss"],
            "new_modules": len(new),
            "new_packages": sorted({module.split(".")[0] for module in new}),
        }
        steps.append(entry)
        state.update(rss=rss, modules=modules)

    import gunicorn.app.wsgiapp  # noqa: F401  (what the master had before it forked)
    import gunicorn.workers.sync  # noqa: F401

    step("interpreter")
    import django

    django.setup()
    step("django.setup")
    from django.conf import settings
    from django.utils.module_loading import import_string

    warm_ups = list(getattr(settings, "WSGI_WARM_UP", ()))
    settings.WSGI_WARM_UP = []
    import benchmarks.bare_wsgi  # noqa: F401  (portal.wsgi, as the benchmark's gunicorn serves it)

    step("wsgi")
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (what the first request does)
    step("urlconf")
    for path in warm_ups:
        import_string(path)()
        step(f"warm_up {path}")
    settings.WSGI_WARM_UP = warm_ups
    print(json.dumps({"steps": steps}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
