"""What makes a catalogue card valid, and complete enough to be submitted (French messages, by
field). One place for these rules: the card services (cards.py) check them at every save and on
submission, the pages (card_pages.py) list what is still missing; the link of each platform is
checked by the rule the service's description uses too (applications/validators.py).

Regions: « Toute la France » (FR) stands alone — it means every region, so it is never combined
with regions (the same rule as the service's description)."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from applications.validators import validate_platform_url

from ..enums import Accessibility, MesApi, Platform, PriceModel, Region, Theme
from ..models import Card

#: What the editor writes (`card_update`'s `data`), in the page's order.
CARD_FIELDS = (
    "name",
    "editor_public_name",
    "short_description",
    "long_description",
    "themes",
    "regions",
    "platforms",
    "price_model",
    "accessibility",
    "accessibility_url",
    "data_exchange",
)
#: What a card must hold to be submitted (the logo and the data exchanges are optional; the
#: declaration of accessibility is required unless the service is "non conforme").
REQUIRED_FIELDS = (
    "name",
    "editor_public_name",
    "short_description",
    "long_description",
    "themes",
    "regions",
    "platforms",
    "price_model",
    "accessibility",
)
#: The syntax of a link (its scheme and host are checked apart, with a clearer message).
_URL = URLValidator()


def field_label(name: str) -> str:
    label = str(Card._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def card_missing_fields(card: Card) -> list[str]:
    """The labels of what `card` still lacks to be submitted."""
    missing = [name for name in REQUIRED_FIELDS if not _filled(getattr(card, name))]
    if card.accessibility not in ("", Accessibility.NONE) and not card.accessibility_url:
        missing.append("accessibility_url")
    return [field_label(name) for name in missing]


def _filled(value) -> bool:
    return bool(value.strip()) if isinstance(value, str) else bool(value)


def card_errors(card: Card) -> dict[str, list[str]]:
    """What is wrong in `card` (French, by field), whether or not it is complete."""
    errors: dict[str, list[str]] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    for name in ("name", "editor_public_name", "short_description"):
        limit, length = Card._meta.get_field(name).max_length, len(getattr(card, name))
        if length > limit:
            add(
                name,
                _("%(limit)s caractères au plus (ce texte en compte %(length)s).")
                % {"limit": limit, "length": length},
            )
    for name, enum, message in [
        ("themes", Theme, _("Thématique inconnue : %(v)s.")),
        ("regions", Region, _("Région inconnue : %(v)s.")),
        ("data_exchange", MesApi, _("API inconnue : %(v)s.")),
    ]:
        unknown = set(getattr(card, name)) - set(enum.values)
        if unknown:
            add(name, message % {"v": ", ".join(sorted(unknown))})
    if Region.ALL in card.regions and len(card.regions) > 1:
        add(
            "regions",
            _(
                "« Toute la France » ne se combine pas avec des régions : cochez soit "
                "« Toute la France », soit les régions concernées."
            ),
        )
    for message in _platform_errors(card.platforms):
        add("platforms", message)
    if card.price_model and card.price_model not in PriceModel.values:
        add("price_model", _("Modèle économique inconnu."))
    if card.accessibility and card.accessibility not in Accessibility.values:
        add("accessibility", _("Statut de conformité inconnu."))
    if card.accessibility_url:
        try:
            _URL(card.accessibility_url)
            if not card.accessibility_url.startswith("https://"):
                raise ValidationError("https")
        except ValidationError:
            add(
                "accessibility_url",
                _("Indiquez l'adresse de la déclaration d'accessibilité, en HTTPS (https://…)."),
            )
    elif card.accessibility in (Accessibility.FULL, Accessibility.PARTIAL):
        add(
            "accessibility_url",
            _(
                "Indiquez l'adresse de la déclaration d'accessibilité (elle est obligatoire "
                "sauf pour un service non conforme)."
            ),
        )
    service = card.service
    requested = set(service.mes_apis) if service.requests_data_exchange else set()
    not_requested = [a for a in card.data_exchange if a in MesApi.values and a not in requested]
    if not_requested:
        labels = ", ".join(str(MesApi(a).label) for a in not_requested)
        add(
            "data_exchange",
            _(
                "Le dossier du service n'a pas demandé l'échange de ces données avec Mon espace "
                "santé : %(apis)s."
            )
            % {"apis": labels},
        )
    return errors


def _platform_errors(platforms) -> list[str]:
    messages, seen = [], set()
    for item in platforms:
        item = item if isinstance(item, dict) else {}
        platform, url = item.get("platform"), item.get("url") or ""
        if platform not in Platform.values:
            messages.append(_("Plateforme inconnue : %(p)s.") % {"p": platform or "?"})
            continue
        label = Platform(platform).label
        if platform in seen:
            messages.append(_("%(p)s : un seul lien par plateforme.") % {"p": label})
        seen.add(platform)
        try:
            _URL(url)
            validate_platform_url(platform, url)
        except ValidationError as exc:
            messages.extend(f"{label} : {message}" for message in exc.messages)
    return messages
