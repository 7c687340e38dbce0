"""Paying in advance for what fhir.resources does on first use.

fhir.resources imports the model of each FHIR data type the first time it validates an
element of that type (≈ 0.4 s for the first feed Bundle of a process, ≈ 1 ms afterwards).
`warm_up()` validates, once, resources that hold the data types the sandbox's calls carry (the
elements of the guides' examples), so that the first real call is as fast as the others. Called
when a server process starts, through `settings.WSGI_WARM_UP` (portal/wsgi.py), not at import;
it also imports the models (≈ 15 MB with pydantic, parsing.py), so only the pool that serves
the FHIR endpoints calls it (docker/compose.yaml: `web-fhir`; `web` sets WSGI_WARM_UP empty).
"""

from .parsing import structure_issues

_CODING = {"system": "http://loinc.org", "code": "29463-7", "display": "x"}
_CONCEPT = {"coding": [_CODING], "text": "x"}
_IDENTIFIER = {"type": _CONCEPT, "system": "urn:oid:1.2.250", "value": "x"}
_REFERENCE = {
    "reference": "Patient/x",
    "type": "Patient",
    "identifier": _IDENTIFIER,
    "display": "x",
}
_QUANTITY = {"value": 1.5, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}
_NARRATIVE = {"status": "generated", "div": '<div xmlns="http://www.w3.org/1999/xhtml">x</div>'}
_META = {"versionId": "1", "source": "urn:oid:1.2.250", "profile": ["http://x.org/p"]}
_EXTENSIONS = [
    {"url": "http://x.org/a", "valueString": "x"},
    {"url": "http://x.org/b", "valueCodeableConcept": _CONCEPT},
    {"url": "http://x.org/c", "valueReference": {"reference": "Patient/x"}},
]
_PERIOD = {"start": "2019-01-04T09:15:00Z", "end": "2019-01-04T09:30:00Z"}

SAMPLES = (
    {
        "resourceType": "Bundle",
        "id": "x",
        "meta": _META,
        "type": "transaction",
        "entry": [
            {
                "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000000",
                "resource": {
                    "resourceType": "Observation",
                    "id": "x",
                    "meta": _META,
                    "text": _NARRATIVE,
                    "extension": _EXTENSIONS,
                    "status": "final",
                    "category": [_CONCEPT],
                    "code": _CONCEPT,
                    "subject": _REFERENCE,
                    "effectiveDateTime": "2022-08-22T01:56:16+01:00",
                    "performer": [_REFERENCE],
                    "valueQuantity": _QUANTITY,
                    "interpretation": [_CONCEPT],
                    "bodySite": _CONCEPT,
                    "method": _CONCEPT,
                    "device": {"reference": "Device/x"},
                    "referenceRange": [{"low": _QUANTITY, "high": _QUANTITY}],
                    "component": [
                        {"code": _CONCEPT, "valueQuantity": _QUANTITY, "interpretation": [_CONCEPT]}
                    ],
                },
                "request": {"method": "POST", "url": "Observation"},
            },
            {
                "resource": {
                    "resourceType": "Device",
                    "id": "x",
                    "meta": _META,
                    "text": _NARRATIVE,
                    "identifier": [_IDENTIFIER],
                    "manufacturer": "x",
                    "modelNumber": "x",
                    "deviceName": [{"name": "x", "type": "patient-reported-name"}],
                    "type": _CONCEPT,
                    "specialization": [{"systemType": _CONCEPT, "version": "2.3"}],
                },
                "request": {"method": "POST", "url": "Device", "ifNoneExist": "identifier=x"},
            },
        ],
    },
    {
        "resourceType": "DocumentReference",
        "meta": _META,
        "text": _NARRATIVE,
        "masterIdentifier": _IDENTIFIER,
        "status": "current",
        "type": _CONCEPT,
        "category": [_CONCEPT],
        "subject": _REFERENCE,
        "date": "2025-04-30T09:30:00+01:00",
        "author": [_REFERENCE],
        "authenticator": _REFERENCE,
        "custodian": _REFERENCE,
        "description": "x",
        "securityLabel": [_CONCEPT],
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "language": "fr-FR",
                    "data": "eA==",
                    "size": 1,
                    "hash": "eA==",
                    "title": "x",
                    "creation": "2025-04-29T17:00:00+01:00",
                },
                "format": _CODING,
            }
        ],
        "context": {"facilityType": _CONCEPT, "practiceSetting": _CONCEPT, "period": _PERIOD},
    },
    {
        "resourceType": "Appointment",
        "meta": _META,
        "text": _NARRATIVE,
        "extension": _EXTENSIONS,
        "identifier": [_IDENTIFIER],
        "status": "booked",
        "serviceType": [_CONCEPT],
        "specialty": [_CONCEPT],
        "priority": 5,
        "minutesDuration": 15,
        "slot": [{"reference": "Slot/x"}],
        "created": "2019-01-02",
        "start": "2019-01-04T09:15:00Z",
        "end": "2019-01-04T09:30:00Z",
        "participant": [
            {"actor": _REFERENCE, "required": "required", "status": "accepted", "period": _PERIOD}
        ],
        "requestedPeriod": [_PERIOD],
    },
)


def warm_up() -> None:
    """Import and exercise the R4B models of every data type above, once."""
    for sample in SAMPLES:
        issues = structure_issues(sample)
        if issues:  # a sample the models refuse would warm up nothing
            raise AssertionError([issue.expression for issue in issues])
