"""Catalogue cards and their logos, for the tests.

- `referenced_service()`: a service whose dossier the ministry referenced, through the real
  services (`dossier_in_state`, ≈ 1 s), with its cast (editor, admin…).
- `card_data()`: everything a card needs to be submitted, valid for `service`.
- `card_in_state()`: a card brought to a state by the real card services (history rows, e-mails
  and all).
- `image_bytes()`, `bomb_png()`: images made on the fly (Pillow), and a PNG that declares far
  more pixels than it holds.
"""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from applications.enums import DossierState
from catalogue.domain import cards
from catalogue.enums import CardState
from tests.factories.dossiers import dossier_in_state

S = DossierState


def referenced_service(*, state=S.REFERENCED, requests_data_exchange=False, organisation=None):
    """(service, cast): the service of a dossier brought to `state` (referenced by default)."""
    dossier, cast = dossier_in_state(
        state, organisation=organisation, requests_data_exchange=requests_data_exchange
    )
    return dossier.service, cast


def card_data(service=None, **overrides) -> dict:
    """`card_update`'s data for a complete, valid card."""
    data = {
        "name": "SuiviTension",
        "editor_public_name": "Santé Connectée",
        "short_description": "Suivez votre tension artérielle et partagez-la avec votre médecin.",
        "long_description": "Un carnet de tension simple, pour les patients hypertendus.",
        "themes": ["prevention", "chronic"],
        "regions": ["FR"],
        "platforms": [
            {"platform": "web", "url": "https://suivitension.example.fr/"},
            {"platform": "ios", "url": "https://apps.apple.com/fr/app/suivitension/id1"},
        ],
        "price_model": "free",
        "accessibility": "partial",
        "accessibility_url": "https://suivitension.example.fr/accessibilite",
        "data_exchange": list(service.mes_apis) if service is not None else [],
    }
    return {**data, **overrides}


def card_in_state(state, *, service=None, cast=None, comment="Précisez la description."):
    """(card, service, cast): a card of a referenced service brought to `state` by the services.

    `superseded` approves a first version, then a second one."""
    if service is None:
        service, cast = referenced_service()
    card = cards.card_open(service=service, actor=cast.editor)
    card = cards.card_update(card=card, actor=cast.editor, data=card_data(service))
    if state == CardState.DRAFT:
        return card, service, cast
    card = cards.card_submit(card=card, actor=cast.editor)
    if state == CardState.CHANGES_REQUESTED:
        card = cards.card_request_changes(card=card, actor=cast.admin, comment=comment)
    elif state in (CardState.APPROVED, CardState.SUPERSEDED):
        card = cards.card_approve(card=card, actor=cast.admin)
    if state == CardState.SUPERSEDED:
        newer = cards.card_open(service=service, actor=cast.editor)
        newer = cards.card_submit(card=newer, actor=cast.editor)
        cards.card_approve(card=newer, actor=cast.admin)
        card.refresh_from_db()
    assert card.state == state
    return card, service, cast


def image_bytes(fmt="PNG", size=(128, 128), mode="RGB", color=(0, 99, 203), **save) -> bytes:
    image = Image.new(mode, size, color)
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def upload(content: bytes, name="logo.png", content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(side=60_000) -> bytes:
    """A valid-looking PNG of `side` × `side` 1-bit pixels, a few hundred bytes long: its rows of
    zeros compress to almost nothing (what a decompression bomb is)."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    row = b"\x00" * (1 + side // 8)
    compressor = zlib.compressobj(9)
    data = compressor.compress(row * 64) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )
