"""benchmarks/fhir_validation.py times what it claims: its Bundles are answered as it says."""

import json

from benchmarks import harness
from benchmarks.fhir_validation import (
    WEIGHT_FEED,
    blood_pressure_feed,
    first_call,
    refused_feed,
)
from sandbox.fhir import validate_measures_bundle


def test_benchmark_is_listed_and_runs_without_a_database():
    assert "fhir_validation" in harness.available()
    assert "fhir_validation" in harness.STANDALONE


def test_benchmark_bundles_are_answered_as_it_expects():
    assert validate_measures_bundle(json.dumps(WEIGHT_FEED)).status == 200
    assert validate_measures_bundle(blood_pressure_feed()).status == 200
    refused = validate_measures_bundle(refused_feed())
    assert (refused.status, len(refused.issues)) == (422, 8)


def test_first_call_is_timed_in_a_fresh_process():
    figures = first_call(json.dumps(WEIGHT_FEED).encode(), "warm")

    assert figures["status"] == 200
    assert figures["warm_up"] > 0 and figures["first"] > 0
