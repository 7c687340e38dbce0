"""The sandbox's FHIR validation (sandbox/fhir/): time to check one call's body, from its raw
bytes to the answer, against the time to decode its JSON and the time fhir.resources takes to
parse it alone.

    python -m benchmarks fhir_validation [--samples 200] [--warmup 20]

Target (issue 13): a measures Bundle validated in p95 ≤ 20 ms, accepted or refused. Also
measured, in a fresh process each: the first call without and after `warm_up()` (fhir.resources
builds each R4B model's validators on its first use), and `warm_up()` itself. No database.
"""

import argparse
import base64
import copy
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from .harness import Case, Context, Metric, ratio

BENCH = "fhir_validation"
P95_TARGET_MS = 20
ROOT = Path(__file__).resolve().parent.parent

UCUM = "http://unitsofmeasure.org"
PROFILES = "https://interop.esante.gouv.fr/ig/fhir/mesures/StructureDefinition/"
DEVICE_ID = "d36bfdb6-b1b1-4efd-9cb9-d217a8696575"

#: The guide's feed example (Mesures de santé 3.1.0, Bundle-bundle-example) with its Device
#: created conditionally: one Observation of body weight and the scales that took it.
WEIGHT_FEED = {
    "resourceType": "Bundle",
    "type": "transaction",
    "entry": [
        {
            "fullUrl": "urn:uuid:5138af77-df7e-4b9d-ba17-07ba3ebb950a",
            "resource": {
                "resourceType": "Observation",
                "id": "5138af77-df7e-4b9d-ba17-07ba3ebb950a",
                "meta": {"profile": [PROFILES + "mesures-fr-observation-body-weight"]},
                "extension": [
                    {
                        "url": PROFILES + "mesures-reason-for-measurement",
                        "valueString": "Mon nouveau poids !",
                    }
                ],
                "status": "final",
                "category": [
                    {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                "code": "vital-signs",
                            }
                        ]
                    }
                ],
                "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
                "subject": {
                    "identifier": {
                        "system": "urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2560",
                        "value": "id-value",
                    }
                },
                "effectiveDateTime": "2022-08-22T01:56:16+01:00",
                "valueQuantity": {"value": 71, "unit": "kg", "system": UCUM, "code": "kg"},
                "device": {"reference": f"Device/{DEVICE_ID}"},
            },
            "request": {"method": "POST", "url": "Observation"},
        },
        {
            "fullUrl": f"urn:uuid:{DEVICE_ID}",
            "resource": {
                "resourceType": "Device",
                "id": DEVICE_ID,
                "meta": {"profile": ["http://hl7.org/fhir/uv/phd/StructureDefinition/PhdDevice"]},
                "identifier": [
                    {
                        "type": {
                            "coding": [
                                {
                                    "system": "http://hl7.org/fhir/uv/phd/CodeSystem/ContinuaDeviceIdentifiers",
                                    "code": "SYSID",
                                }
                            ]
                        },
                        "system": "urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680",
                        "value": "FE-ED-AB-AA-DE-AD-77-C5",
                    }
                ],
                "manufacturer": "OMRONHEALTHCARE",
                "deviceName": [{"name": "Ma balance", "type": "patient-reported-name"}],
                "modelNumber": "HEM-9200T",
                "type": {"coding": [{"system": "urn:iso:std:iso:11073:10101", "code": "65573"}]},
                "specialization": [
                    {
                        "systemType": {
                            "coding": [{"system": "urn:iso:std:iso:11073:10101", "code": "528457"}]
                        },
                        "version": "2.3",
                    }
                ],
            },
            "request": {
                "method": "POST",
                "url": "Device",
                "ifNoneExist": "identifier=urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680"
                "|FE-ED-AB-AA-DE-AD-77-C5",
            },
        },
    ],
}


def blood_pressure_feed() -> dict:
    """The same call for a blood pressure (two components, no value[x])."""
    bundle = copy.deepcopy(WEIGHT_FEED)
    observation = bundle["entry"][0]["resource"]
    observation["meta"]["profile"] = [PROFILES + "mesures-fr-observation-bp"]
    observation["code"]["coding"][0]["code"] = "85354-9"
    del observation["valueQuantity"]
    observation["component"] = [
        {
            "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
            "valueQuantity": {"value": value, "system": UCUM, "code": "mm[Hg]"},
        }
        for code, value in (("8480-6", 107), ("8462-4", 60))
    ]
    return bundle


def refused_feed() -> dict:
    """A call with eight problems (type, method, Device profile, code, unit, status, patient
    identifier, Device link): every one is listed."""
    bundle = copy.deepcopy(WEIGHT_FEED)
    bundle["type"] = "batch"
    bundle["entry"][0]["request"]["method"] = "PUT"
    del bundle["entry"][1]["resource"]["meta"]
    observation = bundle["entry"][0]["resource"]
    observation["code"]["coding"][0]["code"] = "8302-2"
    observation["valueQuantity"]["code"] = "g"
    del observation["status"]
    observation["subject"] = {"reference": "Patient/1"}
    observation["device"]["reference"] = "Device/unknown"
    return bundle


def _expect(status: int, issues: int | None = None):
    def check(verdict) -> None:
        if verdict.status != status or (issues is not None and len(verdict.issues) != issues):
            raise AssertionError(
                f"statut {verdict.status} et {len(verdict.issues)} problèmes, {status} attendu : "
                + "; ".join(issue.rule for issue in verdict.issues)
            )

    return check


_FIRST_CALL = """
import json, sys, time
import django
django.setup()
from django.utils import translation
translation.activate("fr")
from sandbox.fhir import validate_measures_bundle, warm_up
body = sys.stdin.buffer.read()
started = time.perf_counter()
if sys.argv[1] == "warm":
    warm_up()
warmed = time.perf_counter()
verdict = validate_measures_bundle(body)
done = time.perf_counter()
print(json.dumps({"warm_up": (warmed - started) * 1e3, "first": (done - warmed) * 1e3,
                  "status": verdict.status}))
"""


def first_call(body: bytes, mode: str) -> dict:
    """The first validation of a fresh process (`mode` « cold » or « warm »: after warm_up)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    if not env.get("SECRET_KEY"):
        env.setdefault("DEBUG", "true")
    done = subprocess.run(
        [sys.executable, "-c", _FIRST_CALL, mode],
        input=body,
        capture_output=True,
        check=True,
        cwd=ROOT,
        env=env,
    )
    figures = json.loads(done.stdout.decode().strip().splitlines()[-1])
    if figures["status"] != 200:
        raise AssertionError(f"premier appel : statut {figures['status']}, 200 attendu")
    return figures


def run(ctx: Context) -> Iterator[Metric]:
    from django.utils import translation
    from fhir.resources.R4B.bundle import Bundle

    from sandbox.fhir import (
        validate_appointment,
        validate_document_reference,
        validate_measures_bundle,
        warm_up,
    )

    translation.activate("fr")
    accepted = json.dumps(WEIGHT_FEED).encode()
    pressure = json.dumps(blood_pressure_feed()).encode()
    refused = json.dumps(refused_feed()).encode()
    document = json.dumps(
        {
            "resourceType": "DocumentReference",
            "status": "current",
            "type": {"coding": [{"system": "http://loinc.org", "code": "15507-7"}]},
            "category": [
                {
                    "coding": [
                        {
                            "system": "https://mos.esante.gouv.fr/NOS/TRE_A03-ClasseDocument/"
                            "FHIR/TRE-A03-ClasseDocument",
                            "code": "10",
                        }
                    ]
                }
            ],
            "subject": {"reference": "Patient/fr-patient-123"},
            "date": "2025-04-30T09:30:00+01:00",
            "author": [{"reference": "PractitionerRole/practitionerrole-example"}],
            "custodian": {"reference": "Organization/org-example"},
            "content": [
                {
                    "attachment": {
                        "contentType": "application/pdf",
                        "data": base64.b64encode(b"%PDF-1.4 " * 1000).decode(),
                        "title": "Note de suivi",
                    }
                }
            ],
        }
    ).encode()
    appointment = json.dumps(
        {
            "resourceType": "Appointment",
            "status": "proposed",
            "participant": [
                {"actor": {"reference": "Patient/1"}, "required": "required", "status": "accepted"}
            ],
            "requestedPeriod": [{"start": "2019-01-04T09:15:00Z"}],
        }
    ).encode()

    ctx.log(f"{BENCH} : premiers appels, chacun dans un processus neuf")
    cold = first_call(accepted, "cold")
    warm = first_call(accepted, "warm")
    warm_up()
    ctx.log(f"{BENCH} : {ctx.samples} mesures par cas après {ctx.warmup} d'échauffement")
    timings = ctx.measure(
        {
            "json": Case(lambda: json.loads(accepted)),
            "parse": Case(lambda: Bundle.model_validate(json.loads(accepted))),
            "accepted": Case(lambda: validate_measures_bundle(accepted), _expect(200)),
            "blood_pressure": Case(lambda: validate_measures_bundle(pressure), _expect(200)),
            "refused": Case(lambda: validate_measures_bundle(refused), _expect(422, 8)),
            "document": Case(lambda: validate_document_reference(document), _expect(201)),
            "appointment": Case(lambda: validate_appointment(appointment), _expect(201)),
        }
    )
    note = "Bundle d'une mesure de poids et de son Device, du corps brut à la réponse"
    for name in ("accepted", "blood_pressure", "refused"):
        label = {"accepted": note, "blood_pressure": "pression artérielle (composantes)"}.get(
            name, "Bundle refusé pour huit problèmes, tous listés"
        )
        yield Metric(f"{name}_p50", timings[name].p50, "ms", note=label)
        yield Metric(f"{name}_p95", timings[name].p95, "ms", P95_TARGET_MS, note=label)
    yield Metric("fhir_resources_parse_p95", timings["parse"].p95, "ms", note="Bundle R4B seul")
    yield ratio(
        timings["parse"].p95,
        timings["accepted"].p95,
        "parse_share_of_accepted_p95",
        note="part de fhir.resources dans la validation complète",
    )
    yield Metric("json_p95", timings["json"].p95, "ms", note="json.loads du même corps (référence)")
    yield ratio(timings["accepted"].p95, timings["json"].p95, "accepted_p95_over_json_p95")
    yield Metric("document_p95", timings["document"].p95, "ms", note="DocumentReference PDSm")
    yield Metric("appointment_p95", timings["appointment"].p95, "ms", note="Appointment")
    yield Metric(
        "first_call_cold",
        cold["first"],
        "ms",
        note="premier appel d'un processus sans warm_up() : fhir.resources construit ses modèles",
    )
    yield Metric(
        "first_call_after_warm_up",
        warm["first"],
        "ms",
        P95_TARGET_MS,
        note="premier appel d'un processus après warm_up()",
    )
    yield Metric("warm_up", warm["warm_up"], "ms", note="sandbox.fhir.warm_up(), une fois")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"python -m benchmarks {BENCH}",
        description="Mesure la validation FHIR du bac à sable ; une ligne JSON par mesure.",
    )
    parser.add_argument("--samples", type=int, default=200, help="mesures par cas (200)")
    parser.add_argument("--warmup", type=int, default=20, help="appels non mesurés (20)")
    return parser


def main(argv: list[str]) -> int:
    """Without a database: Django's settings only (the diagnostics are translated strings)."""
    import django

    from .harness import json_line

    args = _parser().parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    if not os.environ.get("SECRET_KEY"):
        os.environ.setdefault("DEBUG", "true")
    django.setup()
    started = time.monotonic()
    ctx = Context(samples=args.samples, warmup=args.warmup)
    for metric in run(ctx):
        print(json_line(BENCH, metric), flush=True)
    ctx.log(f"{BENCH} : {time.monotonic() - started:.1f} s")
    return 0
