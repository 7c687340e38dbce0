"""Open data: the whole catalogue as CSV and JSON, the history of every service (referencing,
renewal, suspension, reinstatement, de-referencing, with dates, decision numbers and public
motives; de-referenced services included) as CSV and JSON, and the page that documents them
(/catalogue/donnees/).

- One row per listed service, sorted by name; the columns, their order and their meaning are
  `COLUMNS`, which the page, both files and the Table Schema (schema.json) are all written
  from: the documentation cannot drift from the files. The history: one row per event, oldest
  first, `HISTORY_COLUMNS` (historique.csv, historique.json, historique-schema.json), from
  catalogue/domain/history.py like the service pages and the API.
- CSV: RFC 4180 — UTF-8 without BOM, comma separator, fields quoted when needed, CRLF line
  ends, a header line — as data.gouv.fr's tools (Table Schema, Validata) expect; list columns
  joined with "|". JSON: the same columns as keys, lists as arrays, absent values as null.
- "Regenerated on every publication change": produced on demand, keyed by the public cache's
  *generation* (the token `invalidate_on_commit()` replaces once a publication change commits).
  The file is built once per generation for all processes (kept in the shared cache under the
  token read *before* the database, so a file built during a change is never served after
  it), then `@public_cache` keeps it in each process's memory. No file to store, share between
  web servers or regenerate from a task that might lag or fail: a download is always the
  catalogue as of its last committed change.
"""

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from portal.public_cache import generation, public_cache

from ..api import links
from ..api.conditional import OPEN_CORS, catalogue_last_modified, conditional_response
from ..domain.history import history_rows
from ..domain.search import Criteria, listings_search
from ..enums import (
    HISTORY_EVENT_KINDS,
    Accessibility,
    EventKind,
    MesApi,
    Platform,
    PriceModel,
    Region,
    Theme,
)
from ..models import Listing

SCHEMA_VERSION = "1.0"
LIST_SEPARATOR = "|"
#: Seconds an export stays in the shared cache (a newer generation replaces it at once).
EXPORT_TIMEOUT = 3600
CSV_NAME = "catalogue-mon-espace-sante.csv"
HISTORY_CSV_NAME = "historique-catalogue-mon-espace-sante.csv"


@dataclass(frozen=True)
class Column:
    name: str
    #: Table Schema type of the CSV column ("string", "date", "datetime").
    type: str
    #: JSON type of the key ("chaîne", "liste de chaînes"…), for the page.
    json_type: str
    description: str
    format: str = "default"
    required: bool = True
    is_list: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(
        "identifiant", "string", "chaîne", "Identifiant stable du service (celui de son adresse)."
    ),
    Column("nom", "string", "chaîne", "Nom du service."),
    Column("editeur", "string", "chaîne", "Nom public de l'éditeur."),
    Column("description_courte", "string", "chaîne", "Description en 100 caractères au plus."),
    Column("description", "string", "chaîne", "Description détaillée (texte brut)."),
    Column("url", "string", "chaîne", "Page du service au catalogue.", format="uri"),
    Column(
        "logo",
        "string",
        "chaîne ou null",
        "Adresse du logo (PNG, JPEG ou WebP).",
        format="uri",
        required=False,
    ),
    Column(
        "thematiques",
        "string",
        "liste de chaînes",
        "Codes des thématiques (voir les nomenclatures).",
        is_list=True,
        required=False,
    ),
    Column(
        "regions",
        "string",
        "liste de chaînes",
        "Codes des régions où le service est proposé ; FR : toute la France.",
        is_list=True,
        required=False,
    ),
    Column(
        "plateformes",
        "string",
        "liste de chaînes",
        "Codes des plateformes (web, ios, android).",
        is_list=True,
        required=False,
    ),
    Column(
        "liens_plateformes",
        "string",
        "liste de chaînes",
        "Liens HTTPS vers le site ou le magasin, dans l'ordre de « plateformes ».",
        is_list=True,
        required=False,
    ),
    Column(
        "modele_economique",
        "string",
        "chaîne ou null",
        "Code du modèle économique.",
        required=False,
    ),
    Column(
        "accessibilite",
        "string",
        "chaîne",
        "Conformité au RGAA déclarée : full (totalement), partial (partiellement), "
        "none (non conforme).",
    ),
    Column(
        "declaration_accessibilite",
        "string",
        "chaîne ou null",
        "Lien vers la déclaration d'accessibilité.",
        format="uri",
        required=False,
    ),
    Column(
        "echanges_mes",
        "string",
        "liste de chaînes",
        "Codes des API de Mon espace santé par lesquelles le service échange des données "
        "(vide : aucune).",
        is_list=True,
        required=False,
    ),
    Column("date_referencement", "date", "chaîne (AAAA-MM-JJ)", "Date du référencement."),
    Column(
        "version_referentiel", "string", "chaîne", "Version du référentiel d'exigences appliquée."
    ),
    Column(
        "numero_decision",
        "string",
        "chaîne",
        "Numéro de la décision de référencement du ministère.",
    ),
    Column("date_decision", "date", "chaîne (AAAA-MM-JJ)", "Date de la décision."),
    Column(
        "url_decision",
        "string",
        "chaîne ou null",
        "Décision signée (PDF), dès qu'elle est produite.",
        format="uri",
        required=False,
    ),
    Column(
        "renouvellement_avant",
        "date",
        "chaîne (AAAA-MM-JJ) ou null",
        "Dernier jour du référencement : il doit être renouvelé d'ici là.",
        required=False,
    ),
    Column(
        "publie_le",
        "datetime",
        "chaîne (ISO 8601)",
        "Première publication au catalogue (heure de Paris, avec son décalage).",
    ),
    Column(
        "mis_a_jour_le",
        "datetime",
        "chaîne (ISO 8601)",
        "Dernière modification publique (heure de Paris, avec son décalage).",
    ),
)

HISTORY_COLUMNS: tuple[Column, ...] = (
    Column("identifiant", "string", "chaîne", "Identifiant du service (celui de son adresse)."),
    Column("nom", "string", "chaîne", "Nom du service à la date de l'événement."),
    Column("editeur", "string", "chaîne", "Nom public de l'éditeur à la date de l'événement."),
    Column(
        "evenement",
        "string",
        "chaîne",
        "Code de l'événement : "
        + ", ".join(f"{k} ({EventKind(k).label})" for k in HISTORY_EVENT_KINDS)
        + ".",
    ),
    Column("libelle", "string", "chaîne", "Libellé de l'événement."),
    Column(
        "date",
        "datetime",
        "chaîne (ISO 8601)",
        "Date de l'événement (heure de Paris, avec son décalage).",
    ),
    Column(
        "numero_decision",
        "string",
        "chaîne ou null",
        "Numéro de la décision du ministère (référencement, renouvellement).",
        required=False,
    ),
    Column(
        "motif",
        "string",
        "chaîne ou null",
        "Motif public (suspension, déréférencement).",
        required=False,
    ),
)

VOCABULARIES = [
    ("thematiques", "Thématiques", Theme),
    ("regions", "Régions", Region),
    ("plateformes", "Plateformes", Platform),
    ("modele_economique", "Modèles économiques", PriceModel),
    ("accessibilite", "Conformité au RGAA", Accessibility),
    ("echanges_mes", "API de Mon espace santé", MesApi),
]


def _moment(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _row(listing: Listing) -> dict:
    """The JSON values of one service, keyed by column name, in the columns' order."""
    card, decision = listing.card, listing.decision
    return {
        "identifiant": listing.slug,
        "nom": card.name,
        "editeur": card.editor_public_name,
        "description_courte": card.short_description,
        "description": card.long_description,
        "url": links.service_page_url(listing),
        "logo": links.logo_url(card),
        "thematiques": list(card.themes),
        "regions": list(card.regions),
        "plateformes": [p["platform"] for p in card.platforms],
        "liens_plateformes": [p["url"] for p in card.platforms],
        "modele_economique": card.price_model or None,
        "accessibilite": card.accessibility,
        "declaration_accessibilite": card.accessibility_url or None,
        "echanges_mes": list(card.data_exchange),
        "date_referencement": listing.referenced_on.isoformat(),
        "version_referentiel": listing.referential_version,
        "numero_decision": decision.number,
        "date_decision": timezone.localdate(decision.decided_at).isoformat(),
        "url_decision": links.decision_pdf_url(listing),
        "renouvellement_avant": listing.renewal_due.isoformat() if listing.renewal_due else None,
        "publie_le": _moment(listing.first_published_at),
        "mis_a_jour_le": _moment(listing.updated_at),
    }


def _history_row(slug: str, event) -> dict:
    return {
        "identifiant": slug,
        "nom": event.service_name,
        "editeur": event.editor_name,
        "evenement": event.kind,
        "libelle": str(EventKind(event.kind).label),
        "date": _moment(event.occurred_at),
        "numero_decision": event.decision_number or None,
        "motif": event.motive or None,
    }


def _csv_value(column: Column, value) -> str:
    if value is None:
        return ""
    if column.is_list:
        # "|" separates the items; a URL holding one has it percent-encoded.
        return LIST_SEPARATOR.join(str(v).replace(LIST_SEPARATOR, "%7C") for v in value)
    return str(value)


def _listings() -> list[Listing]:
    return list(listings_search(Criteria(), Listing.objects.listed().select_related("decision")))


def build_csv() -> tuple[bytes, datetime | None]:
    last_modified = catalogue_last_modified()
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in COLUMNS])
    for listing in _listings():
        row = _row(listing)
        writer.writerow([_csv_value(c, row[c.name]) for c in COLUMNS])
    return out.getvalue().encode("utf-8"), last_modified


def build_history_csv() -> tuple[bytes, datetime | None]:
    last_modified = catalogue_last_modified()
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in HISTORY_COLUMNS])
    for slug, event in history_rows():
        row = _history_row(slug, event)
        writer.writerow([_csv_value(c, row[c.name]) for c in HISTORY_COLUMNS])
    return out.getvalue().encode("utf-8"), last_modified


def build_history_json() -> tuple[bytes, datetime | None]:
    last_modified = catalogue_last_modified()
    events = [_history_row(slug, event) for slug, event in history_rows()]
    document = {
        "version_schema": SCHEMA_VERSION,
        "mis_a_jour_le": _moment(last_modified),
        "nombre_evenements": len(events),
        "evenements": events,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"), last_modified


def build_json() -> tuple[bytes, datetime | None]:
    last_modified = catalogue_last_modified()
    services = [_row(listing) for listing in _listings()]
    document = {
        "version_schema": SCHEMA_VERSION,
        "mis_a_jour_le": _moment(last_modified),
        "nombre_services": len(services),
        "services": services,
    }
    body = json.dumps(document, ensure_ascii=False, indent=1)
    return body.encode("utf-8"), last_modified


def table_schema(history: bool = False) -> dict:
    """The CSV's Table Schema (frictionlessdata.io, as schema.data.gouv.fr uses): the
    catalogue's, or with `history` the history file's."""
    fields = []
    for column in HISTORY_COLUMNS if history else COLUMNS:
        field = {
            "name": column.name,
            "type": column.type,
            "description": column.description,
            "constraints": {"required": column.required},
        }
        if column.format != "default":
            field["format"] = column.format
        fields.append(field)
    if history:
        return {
            "$schema": "https://frictionlessdata.io/schemas/table-schema.json",
            "name": "historique-catalogue-mon-espace-sante",
            "title": "Historique des services référencés pour Mon espace santé",
            "version": SCHEMA_VERSION,
            "missingValues": [""],
            "fields": fields,
        }
    return {
        "$schema": "https://frictionlessdata.io/schemas/table-schema.json",
        "name": "catalogue-mon-espace-sante",
        "title": "Catalogue des services numériques en santé référencés pour Mon espace santé",
        "version": SCHEMA_VERSION,
        "missingValues": [""],
        "primaryKey": "identifiant",
        "fields": fields,
    }


_BUILDERS = {
    "csv": build_csv,
    "json": build_json,
    "history-csv": build_history_csv,
    "history-json": build_history_json,
}


def _export(kind: str) -> tuple[bytes, datetime | None]:
    """Once per generation for every process (see the module's docstring)."""
    token = generation()
    key = f"catalogue:opendata:{SCHEMA_VERSION}:{kind}:{token}"
    if token is not None:
        kept = cache.get(key)
        if kept is not None:
            return kept
    value = _BUILDERS[kind]()
    if token is not None:
        cache.set(key, value, EXPORT_TIMEOUT)
    return value


def _download(request, body: bytes, content_type: str, last_modified) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response[OPEN_CORS[0]] = OPEN_CORS[1]
    return conditional_response(request, response, last_modified=last_modified)


@require_safe
@public_cache
def catalogue_csv(request):
    body, last_modified = _export("csv")
    response = _download(request, body, "text/csv; charset=utf-8; header=present", last_modified)
    response["Content-Disposition"] = f'attachment; filename="{CSV_NAME}"'
    return response


@require_safe
@public_cache
def catalogue_json(request):
    body, last_modified = _export("json")
    return _download(request, body, "application/json", last_modified)


@require_safe
@public_cache
def catalogue_schema(request):
    body = json.dumps(table_schema(), ensure_ascii=False, indent=1).encode("utf-8")
    return _download(request, body, "application/json", None)


@require_safe
@public_cache
def history_csv(request):
    body, last_modified = _export("history-csv")
    response = _download(request, body, "text/csv; charset=utf-8; header=present", last_modified)
    response["Content-Disposition"] = f'attachment; filename="{HISTORY_CSV_NAME}"'
    return response


@require_safe
@public_cache
def history_json(request):
    body, last_modified = _export("history-json")
    return _download(request, body, "application/json", last_modified)


@require_safe
@public_cache
def history_schema(request):
    body = json.dumps(table_schema(history=True), ensure_ascii=False, indent=1).encode("utf-8")
    return _download(request, body, "application/json", None)


@require_safe
@public_cache
def opendata_page(request):
    response = render(
        request,
        "catalogue/opendata.html",
        {
            "columns": COLUMNS,
            "history_columns": HISTORY_COLUMNS,
            "vocabularies": [
                {"column": column, "label": label, "choices": choices.choices}
                for column, label, choices in VOCABULARIES
            ],
            "schema_version": SCHEMA_VERSION,
            "csv_url": reverse("catalogue:opendata-csv"),
            "json_url": reverse("catalogue:opendata-json"),
            "schema_url": reverse("catalogue:opendata-schema"),
            "history_csv_url": reverse("catalogue:opendata-history-csv"),
            "history_json_url": reverse("catalogue:opendata-history-json"),
            "history_schema_url": reverse("catalogue:opendata-history-schema"),
            "canonical": links.absolute(reverse("catalogue:opendata")),
        },
    )
    return conditional_response(request, response, last_modified=None)
