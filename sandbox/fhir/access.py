"""Reading raw JSON that may have any shape: each helper answers an empty value rather than
failing when an element is missing or of the wrong JSON type (the rules then say so)."""

from typing import Any


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def text(value: Any) -> str | None:
    """A non-empty string, or None."""
    return value if isinstance(value, str) and value.strip() else None


def profiles(resource: dict[str, Any]) -> list[str]:
    """meta.profile's URLs."""
    return [
        url for url in as_list(as_dict(resource.get("meta")).get("profile")) if isinstance(url, str)
    ]


def canonical(url: str) -> str:
    """A canonical URL without its `|version`."""
    return url.split("|", 1)[0]


def codings(concept: Any) -> list[dict[str, Any]]:
    """A CodeableConcept's codings."""
    return [
        coding for coding in as_list(as_dict(concept).get("coding")) if isinstance(coding, dict)
    ]


def designates(reference: Any) -> bool:
    """Whether a Reference points at something: a reference, an identifier or a display."""
    reference = as_dict(reference)
    identifier = as_dict(reference.get("identifier"))
    return bool(
        text(reference.get("reference"))
        or text(identifier.get("value"))
        or text(reference.get("display"))
    )
