"""The demo's public catalogue: a dozen published services, each with a card written, reviewed and
approved through the real card services, and a logo drawn here (re-encoded by `logo_store` like
any upload)."""

import io
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from catalogue.domain.cards import card_approve, card_open, card_submit, card_update

#: The services published in the demo besides « MonCarnetBébé » (demo/seed.py): name, short
#: description, themes, regions, price model, platforms.
DEMO_CATALOGUE = [
    (
        "NuitCalme",
        "Un journal du sommeil et des exercices de relaxation pour mieux dormir.",
        ["sleep", "mental"],
        ["FR"],
        "freemium",
        ["web", "ios", "android"],
    ),
    (
        "GlycoSuivi",
        "Le suivi de la glycémie au quotidien pour les personnes diabétiques.",
        ["chronic"],
        ["FR"],
        "reimbursed",
        ["ios", "android"],
    ),
    (
        "BougeTonQuartier",
        "Des parcours d'activité physique adaptée près de chez vous.",
        ["activity", "prevention"],
        ["BRE", "PDL"],
        "free",
        ["web"],
    ),
    (
        "VaccinCarnet",
        "Votre carnet de vaccination et les rappels recommandés.",
        ["vaccination", "prevention"],
        ["FR"],
        "free",
        ["web", "ios", "android"],
    ),
    (
        "SérénitéMentale",
        "Des séances guidées pour traverser les périodes de stress.",
        ["mental"],
        ["FR"],
        "subscription",
        ["ios", "android"],
    ),
    (
        "TabacStop",
        "Un accompagnement personnalisé pour arrêter de fumer.",
        ["addictions", "prevention"],
        ["HDF", "GES"],
        "free",
        ["web", "android"],
    ),
    (
        "PressionJuste",
        "Le relevé de la tension artérielle avec un tensiomètre connecté.",
        ["chronic", "prevention"],
        ["FR"],
        "paid",
        ["ios", "android"],
    ),
    (
        "AutonomieChezSoi",
        "Des outils pour bien vieillir et rester autonome à domicile.",
        ["elderly", "disability"],
        ["OCC", "PAC", "COR"],
        "freemium",
        ["web"],
    ),
    (
        "NutriFamille",
        "Des menus équilibrés et des conseils nutritionnels pour toute la famille.",
        ["nutrition"],
        ["FR"],
        "freemium",
        ["web", "ios"],
    ),
    (
        "MédocRappel",
        "Les rappels de prise de traitement et le suivi de l'observance.",
        ["medication", "chronic"],
        ["FR"],
        "free",
        ["ios", "android"],
    ),
    (
        "TéléConsultOutreMer",
        "La téléconsultation avec des médecins des territoires ultramarins.",
        ["telehealth", "care_coordination"],
        ["GUA", "MTQ", "GUF", "LRE", "MAY"],
        "reimbursed",
        ["web", "ios", "android"],
    ),
]

STORE_URLS = {
    "web": "https://www.{slug}.example.fr/",
    "ios": "https://apps.apple.com/fr/app/{slug}/id1000000",
    "android": "https://play.google.com/store/apps/details?id=fr.{slug}",
}
PALETTE = ["#000091", "#18753c", "#b34000", "#6a6af4", "#009081", "#a558a0", "#c9191e"]


def demo_logo(name: str) -> SimpleUploadedFile:
    """A 256×256 PNG: the service's initials on a colour of the State's palette."""
    colour = PALETTE[zlib.crc32(name.encode()) % len(PALETTE)]
    image = Image.new("RGB", (256, 256), colour)
    draw = ImageDraw.Draw(image)
    initials = "".join(c for c in name if c.isupper())[:2] or name[:2].upper()
    font = ImageFont.load_default(size=110)
    draw.text((128, 128), initials, fill="white", font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(f"{name}.png", buffer.getvalue(), content_type="image/png")


def demo_card(dossier, *, editor, admin, details: tuple | None = None):
    """Write, submit and approve the card of `dossier`'s service through the card services."""
    service = dossier.service
    card = card_open(service=service, actor=editor)
    data = {"accessibility": "partial", "logo_file": demo_logo(service.name)}
    data["accessibility_url"] = STORE_URLS["web"].format(slug=_slug(service.name)) + (
        "accessibilite"
    )
    if details is not None:
        _name, short, themes, regions, price, platforms = details
        data |= {
            "short_description": short,
            "themes": themes,
            "regions": regions,
            "price_model": price,
            "platforms": [
                {"platform": p, "url": STORE_URLS[p].format(slug=_slug(service.name))}
                for p in platforms
            ],
        }
    elif len(card.short_description) > 100 or not card.short_description:
        data["short_description"] = f"{service.name}, un service numérique en santé."
    card = card_update(card=card, actor=editor, data=data)
    card = card_submit(card=card, actor=editor)
    card_approve(card=card, actor=admin)
    return dossier


def _slug(name: str) -> str:
    from catalogue.domain.search import fold

    return "".join(c for c in fold(name) if c.isalnum())
