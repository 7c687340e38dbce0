"""What the sandbox's FHIR endpoints say about themselves: the CapabilityStatement of
`GET fhir/metadata`, and the smallest measures feed it takes (the example of the dossier's
sandbox page, also posted by the benchmark and the browser test)."""

from typing import Any

from django.utils.translation import gettext as _

from ..fhir import agenda, documents_table, measures_table
from .fhir_api import FHIR_JSON

#: The OID of the INS (national health identifier) the feed's subject.identifier carries.
INS_SYSTEM = "urn:oid:1.2.250.1.213.1.4.8"


def example_measures_bundle(*, subject_identifier: str, when: str) -> dict[str, Any]:
    """The smallest feed Mon espace santé takes: one body weight, no Device (as the sandbox's
    page shows it, and as the benchmark and the browser test post it)."""
    weight = measures_table.BY_KEY["body_weight"]
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": "urn:uuid:5138af77-df7e-4b9d-ba17-07ba3ebb950a",
                "resource": {
                    "resourceType": "Observation",
                    "meta": {"profile": [weight.profile]},
                    "status": "final",
                    "category": [
                        {
                            "coding": [
                                {
                                    "system": measures_table.OBSERVATION_CATEGORY,
                                    "code": measures_table.VITAL_SIGNS,
                                }
                            ]
                        }
                    ],
                    "code": {"coding": [{"system": "http://loinc.org", "code": weight.codes[0]}]},
                    "subject": {"identifier": {"system": INS_SYSTEM, "value": subject_identifier}},
                    "effectiveDateTime": when,
                    "valueQuantity": {
                        "value": 71.5,
                        "unit": "kg",
                        "system": measures_table.UCUM,
                        "code": weight.units[0],
                    },
                },
                "request": {"method": "POST", "url": "Observation"},
            }
        ],
    }


def capability_statement(*, base_url: str, now_iso: str) -> dict[str, Any]:
    """A small CapabilityStatement of what the sandbox takes (FHIR R4, JSON only)."""
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": now_iso,
        "kind": "instance",
        "fhirVersion": "4.0.1",
        "format": [FHIR_JSON, "application/json"],
        "software": {"name": "Bac à sable de Mon espace santé (portail de référencement)"},
        "implementation": {
            "description": _(
                "Bac à sable : il reproduit Mon espace santé seulement dans la mesure de ses "
                "spécifications publiques."
            ),
            "url": base_url,
        },
        "implementationGuide": [
            f"https://interop.esante.gouv.fr/ig/fhir/mesures|{measures_table.GUIDE_VERSION}",
            f"https://interop.esante.gouv.fr/ig/fhir/pdsm|{documents_table.GUIDE_VERSION}",
            f"https://interop.esante.gouv.fr/ig/fhir/gap|{agenda.GUIDE_VERSION}",
        ],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/"
                                    "restful-security-service",
                                    "code": "OAuth",
                                }
                            ]
                        }
                    ],
                    "description": _(
                        "Jeton d’accès OAuth2 du bac à sable (en-tête Authorization: Bearer), "
                        "portées mesures, documents, agenda."
                    ),
                },
                "interaction": [{"code": "transaction"}],
                "resource": [
                    {
                        "type": "Observation",
                        "supportedProfile": [
                            measure.profile
                            for measure in measures_table.MEASURES
                            if measure.creatable
                        ],
                        "documentation": _(
                            "Par un Bundle de transaction posté à la base (une Observation, au "
                            "plus un Device)."
                        ),
                    },
                    {"type": "Device", "supportedProfile": [measures_table.PHD_DEVICE]},
                    {
                        "type": "DocumentReference",
                        "supportedProfile": [documents_table.PROFILE],
                        "interaction": [{"code": "create"}],
                    },
                    {
                        "type": "Appointment",
                        "supportedProfile": list(agenda.PROFILES),
                        "interaction": [{"code": "create"}],
                    },
                ],
            }
        ],
    }
