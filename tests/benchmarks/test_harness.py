"""The benchmarks' harness: figures, verdicts, JSON lines and the command line (no database)."""

import json

import pytest

from benchmarks import harness
from benchmarks.harness import Case, Metric, measure, percentile


@pytest.mark.parametrize(
    ("p", "expected"),
    [(0, 1.0), (50, 2.5), (95, 3.85), (100, 4.0)],
)
def test_percentile_interpolates_between_ranks(p, expected):
    assert percentile([4.0, 1.0, 3.0, 2.0], p) == pytest.approx(expected)


def test_percentile_of_one_sample_is_that_sample():
    assert percentile([7.5], 95) == 7.5


def test_percentile_rejects_no_samples():
    with pytest.raises(ValueError):
        percentile([], 50)


def test_percentile_rejects_a_rank_past_100():
    with pytest.raises(ValueError):
        percentile([1.0], 101)


@pytest.mark.parametrize(
    ("value", "target", "at_least", "ok"),
    [
        (199.9, 200, False, True),
        (200, 200, False, True),
        (200.1, 200, False, False),
        (160, 150, True, True),
        (149, 150, True, False),
        (10_000, None, False, True),
    ],
)
def test_metric_ok_against_ceiling_floor_or_no_target(value, target, at_least, ok):
    assert Metric("m", value, "ms", target, at_least=at_least).ok is ok


def test_json_line_has_the_agreed_keys():
    line = harness.json_line("questionnaire", Metric("page_p95", 83.123, "ms", 200))
    assert json.loads(line) == {
        "bench": "questionnaire",
        "metric": "page_p95",
        "value": 83.12,
        "unit": "ms",
        "target": 200,
        "ok": True,
    }


def test_ratio_to_a_zero_baseline_stays_valid_json():
    line = harness.json_line("b", harness.ratio(5.0, 0.0, "r"))
    assert json.loads(line)["value"] is None


def test_json_line_adds_a_note_only_when_there_is_one():
    assert json.loads(harness.json_line("b", Metric("m", 1, "count", note="x")))["note"] == "x"


def test_ratio_to_baseline_has_no_target():
    metric = harness.ratio(50.0, 2.0, "page_p95_over_baseline_p95")
    assert (metric.value, metric.unit, metric.target, metric.ok) == (25.0, "x", None, True)


def test_measure_interleaves_cases_after_an_untimed_warmup():
    calls, checked = [], []

    def case(name):
        return Case(lambda: calls.append(name) or name, checked.append)

    timings = measure({"a": case("a"), "b": case("b")}, warmup=1, samples=2)
    assert calls == ["a", "b"] * 3
    assert checked == calls
    assert [len(t.samples_ms) for t in timings.values()] == [2, 2]


def test_a_failed_check_stops_the_measure():
    def refuse(result):
        raise AssertionError("statut 302, 200 attendu")

    with pytest.raises(AssertionError):
        measure({"a": Case(lambda: None, refuse)}, warmup=0, samples=3)


def test_available_lists_benchmark_modules_only():
    names = harness.available()
    assert "questionnaire" in names
    assert "harness" not in names
    assert not any(name.startswith("_") for name in names)


def test_list_prints_the_names(capsys):
    assert harness.main(["--list"]) == 0
    assert capsys.readouterr().out.split() == harness.available()


def test_unknown_benchmark_exits_2_in_french(capsys):
    assert harness.main(["questionnaire", "inexistant"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Benchmark inconnu : inexistant" in captured.err
