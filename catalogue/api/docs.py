"""The API's documentation page (/api/v1/docs/), written from its OpenAPI description.

drf-spectacular's Swagger UI and Redoc pages load their scripts from a CDN (or from
drf-spectacular-sidecar, not installed) and run inline script and style, which the portal's
Content-Security-Policy (script-src 'self', style-src 'self') refuses. This page is a plain
DSFR page instead: every operation with its parameters (allowed values included), its answers
and the fields of what it returns, all read from the same schema as /api/v1/schema/, so it
cannot say something the API does not do. The schema changes with the code only: it is built
once per process."""

import re
from functools import lru_cache

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from portal.public_cache import public_cache

from .conditional import conditional_response
from .links import absolute
from .views import MAX_PAGE_SIZE, PAGE_SIZE

METHODS = ("get", "head", "post", "put", "patch", "delete")
#: drf-spectacular appends the choices to a description: "\n\n* `code` - Libellé".
CHOICE_LINE = re.compile(r"^\* `([^`]*)` - (.*)$", re.MULTILINE)
PLURALS = {"chaîne": "chaînes", "entier": "entiers", "booléen": "booléens", "nombre": "nombres"}


@lru_cache(maxsize=1)
def openapi_schema() -> dict:
    # Imported here: drf-spectacular's generator is loaded by the first request that needs it
    # (catalogue/api/schema.py says why).
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema: dict, node: dict) -> tuple[str | None, dict]:
    """(component name, schema) of a `$ref` (or an allOf of one), else (None, node)."""
    ref = node.get("$ref") or (node.get("allOf") or [{}])[0].get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        return name, schema["components"]["schemas"][name]
    return None, node


def _type(schema: dict, node: dict) -> str:
    name, resolved = _resolve(schema, node)
    if resolved.get("type") == "array":
        item = _type(schema, resolved.get("items", {}))
        if item.startswith("objet"):
            return "liste d'objets" + item.removeprefix("objet")
        head, _sep, rest = item.partition(" ")
        return f"liste de {PLURALS.get(head, head)}" + (f" {rest}" if rest else "")
    kind = resolved.get("type", "objet")
    words = {
        "string": "chaîne",
        "integer": "entier",
        "boolean": "booléen",
        "object": "objet",
        "number": "nombre",
    }
    text = words.get(kind, kind)
    if resolved.get("format"):
        text += f" ({resolved['format']})"
    if name and resolved.get("type") == "object":
        text = f"objet {name}"
    if node.get("nullable") or resolved.get("nullable"):
        text += " ou null"
    return text


def _values(schema: dict, node: dict, description: str = "") -> list[tuple[str, str]]:
    """[(value, label)] of an enumerated schema, labels read from the choice lines."""
    _name, resolved = _resolve(schema, node)
    if resolved.get("type") == "array":
        return _values(schema, resolved.get("items", {}), description)
    labels = dict(CHOICE_LINE.findall(description or ""))
    labels.update(dict(CHOICE_LINE.findall(resolved.get("description", ""))))
    return [(v, labels.get(v, "")) for v in resolved.get("enum", []) if v not in ("", None)]


def _text(description: str) -> SafeString:
    """The description without its choice lines, `code` spans as <code>, escaped."""
    text = (description or "").split("\n\n* `", 1)[0]
    if text.startswith("* `"):
        text = ""
    html = re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text))
    return mark_safe(html.replace("\n", "<br>"))  # escaped just above


def fields(schema: dict, node: dict, prefix: str = "", depth: int = 0) -> list[dict]:
    """Every field of an object schema, nested ones as `a.b`, list items as `a[].b`."""
    _name, resolved = _resolve(schema, node)
    if resolved.get("type") == "array":
        return fields(schema, resolved.get("items", {}), prefix + "[]", depth)
    rows = []
    required = set(resolved.get("required", []))
    for key, child in resolved.get("properties", {}).items():
        path = f"{prefix}.{key}" if prefix else key
        _child_name, child_resolved = _resolve(schema, child)
        description = child.get("description") or child_resolved.get("description", "")
        rows.append(
            {
                "path": path,
                "type": _type(schema, child),
                "required": key in required,
                "values": _values(schema, child, description),
                "description": _text(description),
            }
        )
        if depth < 4:
            rows += fields(schema, child, path, depth + 1)
    return rows


def operations(schema: dict) -> list[dict]:
    result = []
    for path, item in schema["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            ok = operation["responses"].get("200", {})
            content = ok.get("content", {}).get("application/json", {}).get("schema", {})
            result.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "anchor": operation["operationId"],
                    "summary": operation.get("summary", ""),
                    "description": _text(operation.get("description", "")),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": {"query": "requête", "path": "chemin", "header": "en-tête"}.get(
                                p["in"], p["in"]
                            ),
                            "required": p.get("required", False),
                            "type": _type(schema, p.get("schema", {})),
                            "values": _values(schema, p.get("schema", {}), p.get("description")),
                            "description": _text(p.get("description", "")),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "responses": [
                        {"status": status, "description": _text(answer.get("description", ""))}
                        for status, answer in operation["responses"].items()
                    ],
                    "fields": fields(schema, content),
                }
            )
    return result


@require_safe
@public_cache
def api_docs(request):
    schema = openapi_schema()
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"]
    count, _sep, period = rate.partition("/")
    response = render(
        request,
        "catalogue/api_docs.html",
        {
            "info": schema["info"],
            "operations": operations(schema),
            "base_url": absolute(""),
            "schema_url": reverse("api:schema"),
            "rate_count": count,
            "rate_period": {"s": "seconde", "m": "minute", "h": "heure", "d": "jour"}.get(
                period[:1], period
            ),
            "page_size": PAGE_SIZE,
            "max_page_size": MAX_PAGE_SIZE,
            "canonical": absolute(reverse("api:docs")),
        },
    )
    return conditional_response(request, response, last_modified=None)
