"""The real-server benchmark (`python -m benchmarks http`): its rounds and figures on scripted
wrk runs, then one quick real run (gunicorn, PostgreSQL, Redis, wrk) on one page and the bare
view, whose JSON lines are checked."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from benchmarks import http
from benchmarks._http_client import WrkRun, parse_wrk, totp_code

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"bench", "metric", "value", "unit", "target", "ok"}


def _run(rps: float) -> WrkRun:
    return WrkRun(rps=rps, p50_ms=10.0, p95_ms=20.0, p99_ms=30.0, requests=int(rps))


def _page(**fields) -> http.Page:
    return http.Page(**{"name": "p", "person": None, "needle": "", **fields})


def test_interleave_runs_the_bare_view_then_the_page_each_round():
    calls = []
    pairs = http.interleave(
        2, lambda: calls.append("bare") or _run(1000), lambda: calls.append("page") or _run(10)
    )
    assert calls == ["bare", "page", "bare", "page"]
    assert [(bare.rps, page.rps) for bare, page in pairs] == [(1000, 10), (1000, 10)]


def test_ratio_to_bare_divides_by_the_bare_view_of_the_same_round():
    # Round 1 on a quiet machine, round 2 on a loaded one: 100/1000 and 50/250.
    pairs = [(_run(1000), _run(100)), (_run(250), _run(50))]
    metrics = {m.name: m for m in http.page_metrics(_page(min_ratio=0.15), "1k", pairs)}
    ratio = metrics["p_ratio_to_bare_1k"]
    assert ratio.value == pytest.approx((0.1 + 0.2) / 2)  # not 75 / 625 = 0.12
    assert ratio.ok and ratio.target == 0.15
    assert "100.0 / 1000.0 = 0.1000 ; 50.0 / 250.0 = 0.2000" in ratio.note
    assert metrics["p_rps_1k"].value == 75


def test_growth_compares_throughput_relative_to_the_bare_view_at_each_size():
    small = (1_000, [(_run(1000), _run(100)), (_run(1000), _run(100))])
    large = (50_000, [(_run(500), _run(45)), (_run(500), _run(45))])  # a busier machine
    metric = http.growth_metric(_page(grows=True, staff_list=True), small, large)
    assert metric.name == "p_ratio_50k_to_1k"
    assert metric.value == pytest.approx(0.9) and metric.ok  # 0.09 / 0.10, not 45 / 100


def test_parse_wrk_refuses_a_run_with_error_statuses():
    line = (
        'WRK_JSON {"requests": 10, "duration_us": 1000000, "bytes": 1, "errors": {"connect": 0, '
        '"read": 0, "write": 0, "status": 3, "timeout": 0}, "latency_us": {"p50": 1, "p95": 2, '
        '"p99": 3, "max": 4, "mean": 1.0}}'
    )
    with pytest.raises(AssertionError, match="3 réponses en erreur"):
        parse_wrk(line)
    assert parse_wrk(line.replace('"status": 3', '"status": 0')).rps == 10


def test_totp_code_is_the_one_allauth_expects():
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    at = 1_700_000_000
    assert totp_code(secret, at=at) == format_hotp_value(hotp_value(secret, at // 30))


def test_quick_mode_and_environment_choose_small_sizes_and_short_runs():
    quick = http.config_from_args(["--quick"])
    assert (quick.sizes, quick.duration_s, quick.pdfs) == ((50, 200), 2, 50)
    config = http.Config.from_env({"BENCH_HTTP_SIZES": "1000,10000", "BENCH_HTTP_DURATION": "5"})
    assert (config.sizes, config.duration_s, config.pdfs) == ((1000, 10000), 5, 1000)
    assert http.size_label(50_000) == "50k" and http.size_label(50) == "50"


def test_http_benchmark_serves_a_signed_in_page_next_to_the_bare_view():
    """A real run, kept short: 50 dossiers, one staff page, 1 s wrk runs, no PDFs."""
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "http", "--sizes", "50", "--duration", "1"]
        + ["--pages", "instructor_queue", "--pdfs", "0"],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(set(line) - {"note"} == KEYS and line["bench"] == "http" for line in lines)
    by_name = {line["metric"]: line for line in lines}
    assert {
        "seed_50",
        "instructor_queue_rps_50",
        "instructor_queue_p50_50",
        "instructor_queue_p99_50",
        "instructor_queue_ratio_to_bare_50",
        "bare_rps_50",
        "instructor_queue_single_user_p95_50",
        "gunicorn_worker_rss_max",
    } <= set(by_name)
    assert by_name["instructor_queue_rps_50"]["value"] > 0
    assert by_name["gunicorn_worker_rss_max"]["target"] == 150

    # The ratio is the median of per-round ratios, each against that round's bare run.
    ratio = by_name["instructor_queue_ratio_to_bare_50"]
    rounds = re.findall(r"([\d.]+) / ([\d.]+) = ([\d.]+)", ratio["note"])
    assert len(rounds) == 2
    for page, bare, quotient in rounds:
        assert float(quotient) == pytest.approx(float(page) / float(bare), abs=1e-3)
    assert ratio["value"] == pytest.approx(sum(float(q) for *_, q in rounds) / 2, abs=0.01)
    pages = re.findall(r"[\d.]+", by_name["instructor_queue_rps_50"]["note"].split(";")[0])
    assert [float(p) for p in pages] == [float(page) for page, _, _ in rounds]
