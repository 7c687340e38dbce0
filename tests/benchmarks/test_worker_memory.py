"""The worker-memory benchmark (`python -m benchmarks worker_memory`) and the two gunicorn pools it
measures: the probe a worker runs after each request, the figures read from its lines, and the
routing that docker/compose.yaml, docker/nginx.conf and the benchmarks must agree on."""

import json
import re
from pathlib import Path

import yaml
from django.urls import reverse

from benchmarks import _worker_probe, worker_memory
from benchmarks._pools import FHIR_PREFIXES, Pools, fhir_env, web_env

ROOT = Path(__file__).resolve().parents[2]


def test_the_probe_writes_the_worker_s_memory_and_new_modules_after_each_request(
    tmp_path, monkeypatch
):
    target = tmp_path / "probe.jsonl"
    monkeypatch.setenv("BENCH_WORKER_PROBE", str(target))
    _worker_probe.post_worker_init(None)

    class Response:
        status = "404 Not Found"

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/healthz"}
    import benchmarks._http_figures  # noqa: F401  (a module the "request" imports)

    _worker_probe.post_request(None, None, environ, Response())
    started, request = (json.loads(line) for line in target.read_text().splitlines())
    assert started["event"] == "started" and started["rss_kib"] > 1000
    assert request["event"] == "request"
    assert (request["method"], request["path"], request["status"]) == ("GET", "/healthz", 404)
    assert request["pid"] == started["pid"]
    assert set(request["watched"]) <= set(_worker_probe.WATCHED)
    assert request["modules"] >= started["modules"]


def _line(pid, rss_mb, event="request", path="/", **fields):
    return {
        "event": event,
        "pid": pid,
        "rss_kib": int(rss_mb * 1e6 / 1024),
        "modules": 1000,
        "new_modules": 0,
        "new_packages": [],
        "watched": [],
        "method": "GET",
        "path": path,
        "status": 200,
        **fields,
    }


def test_figures_per_pool_page_by_page_and_the_forbidden_modules():
    lines = [
        _line(1, 120, event="started"),
        _line(2, 135, event="started", watched=["fhir.resources", "pydantic"]),
        _line(1, 122, path="/comptes/login/"),
        _line(1, 125, path="/dossiers/1/", new_modules=3, new_packages=["reviews"]),
        _line(2, 138, path="/bac-a-sable/fhir/", watched=["fhir.resources", "pydantic"]),
        _line(1, 151, path="/dossiers/1/", watched=["weasyprint"]),
    ]
    run = {
        "lines": lines,
        "signed_in": 3,
        "pages": [("dossier_detail", lines[3]), ("fhir_measures", lines[4])],
        "pids": {"web": [1], "web-fhir": [2]},
        "final": {1: 151.5, 2: 138.2},
    }
    metrics = {metric.name: metric for metric in worker_memory.page_metrics(run, "")}
    assert round(metrics["web_rss_started"].value) == 120
    assert round(metrics["web_fhir_rss_started"].value) == 135
    assert round(metrics["rss_after_sign_in"].value) == 122
    detail = metrics["rss_after_dossier_detail"]
    assert round(detail.value) == 125
    assert "+3.0 MB" in detail.note and "reviews" in detail.note
    assert metrics["rss_after_fhir_measures"].note.startswith("web-fhir, GET /bac-a-sable/fhir/")
    assert round(metrics["web_rss_after_every_page"].value) == 125
    assert metrics["web_rss_after_every_page"].ok
    assert metrics["web_rss_after_repeats"].value == 151.5
    assert not metrics["web_rss_after_repeats"].ok  # over 150 MB
    assert metrics["web_fhir_rss_after_repeats"].ok
    assert metrics["web_forbidden_modules"].value == 1 and not metrics["web_forbidden_modules"].ok
    assert metrics["web_fhir_forbidden_modules"].ok
    compared = {metric.name: metric for metric in worker_memory.page_metrics(run, "x_", None)}
    assert compared["x_web_rss_after_repeats"].target is None  # the single pool: no target


def test_pools_send_the_fhir_endpoints_to_their_own_workers():
    pool = Pools(web_port=1, web_master=10, fhir_port=2, fhir_master=20)
    assert pool.port_for(reverse("sandbox:fhir-base")) == 2
    assert pool.port_for(reverse("sandbox:fhir-metadata")) == 2
    assert pool.port_for(reverse("api:fhir-metadata")) == 2
    assert pool.port_for(reverse("sandbox:holder-home")) == 1
    assert pool.port_for("/") == 1
    assert Pools(web_port=1, web_master=10).port_for(reverse("sandbox:fhir-base")) == 1
    assert web_env({"WSGI_WARM_UP": "x", "A": "b"}) == {"WSGI_WARM_UP": "", "A": "b"}
    assert fhir_env({"WSGI_WARM_UP": "", "A": "b"}) == {"A": "b"}


def test_compose_and_nginx_route_the_fhir_endpoints_to_the_warmed_up_pool_only():
    compose = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
    services = compose["services"]
    assert services["web"]["environment"]["WSGI_WARM_UP"] == ""
    assert "WSGI_WARM_UP" not in services["web-fhir"]["environment"]  # the settings' default
    assert "RUN_MIGRATIONS" not in services["web-fhir"]["environment"]
    assert "portal.wsgi:application" in services["web-fhir"]["command"]
    assert "web-fhir" in services["proxy"]["depends_on"]
    nginx = (ROOT / "docker" / "nginx.conf").read_text()
    assert re.search(r"upstream portal_fhir \{\s*server web-fhir:8000;\s*\}", nginx)
    for prefix in FHIR_PREFIXES:
        block = re.search(rf"location {re.escape(prefix)} \{{(.*?)\}}", nginx, re.DOTALL)
        assert block, prefix
        assert "proxy_pass http://portal_fhir;" in block.group(1)
        assert "X-Forwarded-Proto $forwarded_proto" in block.group(1)
    assert re.search(r"location / \{\s*proxy_pass http://portal_web;", nginx)


def test_configuration_from_the_command_line_and_the_environment():
    assert worker_memory.config_from_args([], environ={}) == worker_memory.Config()
    config = worker_memory.config_from_args(["--repeats", "0"], environ={"BENCH_MEMORY_SIZE": "50"})
    assert (config.size, config.repeats) == (50, 0)
