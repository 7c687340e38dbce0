"""The official examples of the ANS guides (tests/sandbox/fixtures/, README there) and the
feed Bundle built from them."""

import copy
import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

#: Each measure's official example (Mesures de santé 3.1.0), by the measure's key.
OBSERVATION_EXAMPLES = {
    "body_weight": "Observation-ExampleMesFrObservationBodyWeight001.json",
    "body_height": "Observation-ExampleMesFrObservationBodyHeight001.json",
    "blood_pressure": "Observation-ExampleMesFrObservationBP001.json",
    "body_temperature": "Observation-ExampleMesFrObservationBodyTemperature001.json",
    "heart_rate": "Observation-ExampleMesFrObservationHeartrate001.json",
    "glucose": "Observation-ExampleMesObservationGlucose001.json",
    "pain_severity": "Observation-ExampleMesObservationPainSeverity001.json",
    "steps_by_day": "Observation-ExampleMesObservationStepsByDay001.json",
    "waist_circumference": "Observation-ExampleObservationWaistCircumference001.json",
    "head_circumference": "Observation-ExampleMesObservationHeadCircumference001.json",
    "bmi": "Observation-ExampleMesFrObservationBmi001.json",
}


def load(name: str) -> dict:
    """A fresh copy of a fixture, e.g. `load("mesures/Bundle-bundle-example.json")`."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def observation(key: str) -> dict:
    return load(f"mesures/{OBSERVATION_EXAMPLES[key]}")


def feed(resource: dict | None = None) -> dict:
    """The guide's feed Bundle example (an Observation of body weight and its Device), made what
    Mon espace santé takes: its Device created conditionally (the `ifNoneExist` of the guide's
    feed page, built from the Device's own identifier). With `resource`, an official
    Observation example takes the place of the Bundle's, given the Bundle's patient identifier
    (the examples point at a Patient resource, which the feed does not take) and the Bundle's
    Device."""
    bundle = load("mesures/Bundle-bundle-example.json")
    device = bundle["entry"][1]
    identifier = device["resource"]["identifier"][0]
    device["request"]["ifNoneExist"] = f"identifier={identifier['system']}|{identifier['value']}"
    if resource is not None:
        resource = copy.deepcopy(resource)
        resource["subject"] = copy.deepcopy(bundle["entry"][0]["resource"]["subject"])
        resource["device"] = {"reference": f"Device/{device['resource']['id']}"}
        bundle["entry"][0]["resource"] = resource
    return bundle


def obs_of(bundle: dict) -> dict:
    """The Observation of a feed Bundle built by `feed`."""
    return bundle["entry"][0]["resource"]


def issue_at(verdict, rule: str):
    """The verdict's only issue of `rule`."""
    found = [issue for issue in verdict.issues if issue.rule == rule]
    assert len(found) == 1, (rule, [(i.rule, i.expression, i.diagnostics) for i in verdict.issues])
    return found[0]
