"""The catalogue as FHIR R4 resources: each listed service a `DeviceDefinition`, its editor an
`Organization`, searches a `searchset` Bundle, errors an `OperationOutcome`, the server's
`CapabilityStatement` (served by catalogue/views/fhir.py under /api/fhir/).

Built and serialised with fhir.resources' **R4B** models (fhir.resources 8 ships R5 and R4B,
not R4). R4B changed only the medication-definition, evidence and subscription resources
(HL7, "R4B explanation"); the resources used here — DeviceDefinition in its R4 shape
(`manufacturerReference`, `property.valueCode`, `onlineInformation`), Organization, Bundle,
OperationOutcome, CapabilityStatement — are the same in both, and the statement declares
`fhirVersion` 4.0.1: the output is R4.

Conventions:
- a service's `identifier` is its slug under `service_system()` (the address of the catalogue's
  service pages: system + "/" + value + "/" is the page); its `id` is the listing's number
  (a slug may be longer than FHIR's 64 characters or hold "_");
- an editor's SIREN uses FR Core's system `https://sirene.fr` and identifier type
  `fr-core-cs-v2-0203#SIREN` (Interop'Santé / ANS, FR Core Organization profile);
- what has no R4 element of its own (the referencing: date, referential version, decision and
  its PDF, renewal; the store links) is in extensions of the portal, and the referencing is
  also stated in plain French in `note`; coded facets (themes, regions, platforms, price,
  accessibility, data exchanged) are `property` entries with the portal's code systems.

Queries: a search costs two (count, page with card, logo, decision and organisation joined);
a read one.
"""

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.devicedefinition import DeviceDefinition
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization

from .api import links
from .domain.search import fold
from .enums import Accessibility, MesApi, Platform, PriceModel, Region, Theme
from .models import Listing

FHIR_VERSION = "4.0.1"
FHIR_JSON = "application/fhir+json"
#: When this server's capabilities last changed (CapabilityStatement.date).
CAPABILITIES_DATE = "2026-12-01"
SIREN_SYSTEM = "https://sirene.fr"
FR_CORE_IDENTIFIER_TYPE = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203"
DEFAULT_COUNT = 50
MAX_COUNT = 200


def fhir_base() -> str:
    return links.absolute("/api/fhir")


def service_system() -> str:
    return links.absolute("/catalogue/services")


def _code_system(name: str) -> str:
    return f"{fhir_base()}/CodeSystem/{name}"


def _extension_url(name: str) -> str:
    return f"{fhir_base()}/StructureDefinition/{name}"


#: property code -> (label, code system name, vocabulary)
PROPERTIES = {
    "thematique": ("Thématique", "thematique", Theme),
    "region": ("Région", "region", Region),
    "plateforme": ("Plateforme", "plateforme", Platform),
    "modele-economique": ("Modèle économique", "modele-economique", PriceModel),
    "accessibilite": ("Conformité au RGAA", "accessibilite", Accessibility),
    "echange-mes": ("Données échangées avec Mon espace santé", "echange-mes", MesApi),
}


# ---------------------------------------------------------------------------------------------
# Reading the catalogue
# ---------------------------------------------------------------------------------------------


def _listed() -> QuerySet:
    return (
        Listing.objects.listed()
        .select_related("card", "card__logo", "decision", "service__organisation")
        .defer("card__logo__content", "search_text", "search_vector", "facet_keys")
    )


def listing_by_id(resource_id: str) -> Listing | None:
    if not resource_id.isascii() or not resource_id.isdigit():
        return None
    return _listed().filter(pk=int(resource_id)).first()


def organisation_listings(resource_id: str) -> list[Listing]:
    """The listed services of the organisation `resource_id` (none: it is not public)."""
    if not resource_id.isascii() or not resource_id.isdigit():
        return []
    return list(
        _listed().filter(service__organisation_id=int(resource_id)).order_by("sort_name", "pk")
    )


def _token(value: str) -> tuple[str | None, str]:
    """FHIR token "system|code", "|code" (no system) or "code" (any system)."""
    if "|" in value:
        system, code = value.split("|", 1)
        return system, code
    return None, value


def device_definitions_search(params) -> QuerySet:
    """Listed services matching the FHIR search parameters `name` (string: accent- and
    case-insensitive start of the name; `name:contains`, `name:exact`) and `identifier`
    (token); comma-separated values are alternatives, repeated parameters all apply."""
    qs = _listed()
    for key in params:
        values = params.getlist(key)
        base, _sep, modifier = key.partition(":")
        if base == "name":
            for value in values:
                condition = Q()
                for alternative in value.split(","):
                    if modifier == "exact":
                        condition |= Q(card__name=alternative)
                    elif modifier == "contains":
                        condition |= Q(sort_name__contains=fold(alternative))
                    else:
                        condition |= Q(sort_name__startswith=fold(alternative))
                qs = qs.filter(condition)
        elif base == "identifier":
            for value in values:
                condition = Q(pk__in=[])
                for alternative in value.split(","):
                    system, code = _token(alternative)
                    if system in (None, service_system()) and code:
                        condition |= Q(slug=code)
                qs = qs.filter(condition)
    return qs.order_by("sort_name", "pk")


# ---------------------------------------------------------------------------------------------
# Building resources
# ---------------------------------------------------------------------------------------------


def _coding(vocabulary_name: str, vocabulary, code: str) -> dict:
    return {
        "system": _code_system(vocabulary_name),
        "code": code,
        "display": str(dict(vocabulary.choices).get(code, code)),
    }


def _properties(card) -> list[dict]:
    values = {
        "thematique": card.themes,
        "region": card.regions,
        "plateforme": [p["platform"] for p in card.platforms],
        "modele-economique": [card.price_model] if card.price_model else [],
        "accessibilite": [card.accessibility] if card.accessibility else [],
        "echange-mes": card.data_exchange,
    }
    properties = []
    for code, (label, system_name, vocabulary) in PROPERTIES.items():
        if not values[code]:
            continue
        properties.append(
            {
                "type": {
                    "coding": [
                        {"system": _code_system("propriete"), "code": code, "display": label}
                    ]
                },
                "valueCode": [
                    {"coding": [_coding(system_name, vocabulary, v)]} for v in values[code]
                ],
            }
        )
    return properties


def _referencing_extension(listing: Listing) -> dict:
    parts = [
        {"url": "date", "valueDate": listing.referenced_on.isoformat()},
        {"url": "versionReferentiel", "valueString": listing.referential_version},
        {"url": "decision", "valueString": listing.decision.number},
    ]
    pdf = links.decision_pdf_url(listing)
    if pdf:
        parts.append({"url": "decisionDocument", "valueUrl": pdf})
    if listing.renewal_due:
        parts.append({"url": "renouvellementAvant", "valueDate": listing.renewal_due.isoformat()})
    return {"url": _extension_url("referencement"), "extension": parts}


def _referencing_note(listing: Listing) -> str:
    text = (
        f"Référencé le {date_format(listing.referenced_on, 'j F Y')} selon la version "
        f"{listing.referential_version} du référentiel, décision n° {listing.decision.number}."
    )
    if listing.renewal_due:
        text += f" Renouvellement au plus tard le {date_format(listing.renewal_due, 'j F Y')}."
    return text


def device_definition(listing: Listing) -> DeviceDefinition:
    card = listing.card
    extensions = [_referencing_extension(listing)]
    extensions += [
        {
            "url": _extension_url("lien-plateforme"),
            "extension": [
                {"url": "plateforme", "valueCode": p["platform"]},
                {"url": "lien", "valueUrl": p["url"]},
            ],
        }
        for p in card.platforms
    ]
    data = {
        "resourceType": "DeviceDefinition",
        "id": str(listing.pk),
        "meta": {"lastUpdated": listing.updated_at.isoformat()},
        "extension": extensions,
        "identifier": [{"use": "official", "system": service_system(), "value": listing.slug}],
        "deviceName": [{"name": card.name, "type": "user-friendly-name"}],
        "manufacturerReference": {
            "reference": f"Organization/{listing.service.organisation_id}",
            "display": card.editor_public_name,
        },
        "type": {"text": "Service numérique en santé référencé au catalogue de Mon espace santé"},
        "property": _properties(card),
        "onlineInformation": links.service_page_url(listing),
        "note": [{"text": _referencing_note(listing)}],
    }
    web = next((p["url"] for p in card.platforms if p["platform"] == Platform.WEB), None)
    if web:
        data["url"] = web
    return DeviceDefinition.model_validate(data)


def organization(listings: list[Listing]) -> Organization:
    """The editor of `listings` (at least one), with the public names of its cards."""
    organisation = listings[0].service.organisation
    aliases = sorted({x.card.editor_public_name for x in listings} - {organisation.name})
    data = {
        "resourceType": "Organization",
        "id": str(organisation.pk),
        "identifier": [
            {
                "use": "official",
                "type": {
                    "coding": [
                        {
                            "system": FR_CORE_IDENTIFIER_TYPE,
                            "code": "SIREN",
                            "display": "Identification de l'organisation au SIREN",
                        }
                    ]
                },
                "system": SIREN_SYSTEM,
                "value": organisation.siren,
            }
        ],
        "active": True,
        "name": organisation.name,
    }
    if aliases:
        data["alias"] = aliases
    return Organization.model_validate(data)


def searchset(listings: list[Listing], *, total: int, self_url: str, next_url: str | None):
    links_ = [{"relation": "self", "url": self_url}]
    if next_url:
        links_.append({"relation": "next", "url": next_url})
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": total,
            "link": links_,
            "entry": [
                {
                    "fullUrl": f"{fhir_base()}/DeviceDefinition/{listing.pk}",
                    "resource": device_definition(listing),
                    "search": {"mode": "match"},
                }
                for listing in listings
            ],
        }
    )


def capability_statement() -> CapabilityStatement:
    return CapabilityStatement.model_validate(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": CAPABILITIES_DATE,
            "publisher": "Ministère chargé de la santé",
            "kind": "instance",
            "software": {"name": settings.SITE_TITLE},
            "implementation": {
                "description": (
                    "Le catalogue des services numériques en santé référencés pour Mon espace "
                    "santé, en lecture seule et sans authentification."
                ),
                "url": fhir_base(),
            },
            "fhirVersion": FHIR_VERSION,
            "format": [FHIR_JSON],
            "rest": [
                {
                    "mode": "server",
                    "documentation": (
                        "Chaque service publié est un DeviceDefinition, son éditeur une "
                        "Organization. Un service suspendu ou déréférencé n'est plus servi."
                    ),
                    "resource": [
                        {
                            "type": "DeviceDefinition",
                            "interaction": [{"code": "read"}, {"code": "search-type"}],
                            "searchParam": [
                                {
                                    "name": "name",
                                    "type": "string",
                                    "documentation": (
                                        "Début du nom du service, sans tenir compte des accents "
                                        "ni de la casse ; modificateurs :contains et :exact."
                                    ),
                                },
                                {
                                    "name": "identifier",
                                    "definition": (
                                        "http://hl7.org/fhir/SearchParameter/"
                                        "DeviceDefinition-identifier"
                                    ),
                                    "type": "token",
                                    "documentation": (
                                        f"Identifiant du service : {service_system()}"
                                        "|<identifiant>."
                                    ),
                                },
                            ],
                        },
                        {"type": "Organization", "interaction": [{"code": "read"}]},
                    ],
                }
            ],
        }
    )


def operation_outcome(code: str, diagnostics: str) -> OperationOutcome:
    return OperationOutcome.model_validate(
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}],
        }
    )


def to_json(resource) -> str:
    return resource.model_dump_json(exclude_none=True)


__all__ = [
    "DEFAULT_COUNT",
    "FHIR_JSON",
    "MAX_COUNT",
    "capability_statement",
    "device_definition",
    "device_definitions_search",
    "listing_by_id",
    "operation_outcome",
    "organisation_listings",
    "organization",
    "searchset",
    "to_json",
]
