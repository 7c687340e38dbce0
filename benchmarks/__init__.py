"""Benchmarks: speed and memory targets are checked here, not by timed unit tests.

    python -m benchmarks [NAME…] [--samples N] [--warmup N] [--list]

Every module of this package except `harness` is one benchmark, named after the module. It defines
`run(ctx: harness.Context) -> Iterable[harness.Metric]`, builds its data in a throwaway database
(set up by the harness: SQLite in a temporary folder, or a test database next to `DATABASE_URL`),
and yields one metric per figure. The harness prints each as a JSON line:

    {"bench": "questionnaire", "metric": "page_p95", "value": 83.1, "unit": "ms", "target": 200,
     "ok": true}

Machines are shared and noisy: a benchmark also measures a baseline (a bare view) in the same run,
interleaved with its own samples, and reports its figures as ratios to that baseline too.
A missed target does not change the exit status (the JSON says `"ok": false`); a crash does.
"""
