"""The logo of a catalogue card: checked on its content, re-encoded, stored by its SHA-256.

What we accept is read from the file's first bytes, never from its name or the type the browser
declared: PNG, JPEG and WebP only. SVG (which can carry scripts), GIF and everything else are
refused with a message that says what the file really is. The upload is bounded in bytes
(`settings.CATALOGUE_LOGO_MAX_BYTES`) and in dimensions (64 to 4,096 pixels a side); an image that
declares more pixels than Pillow's own limit is a decompression bomb and is refused before any
pixel is decoded.

Nothing of the upload is kept as sent: the first frame is decoded, turned upright (EXIF
orientation), converted to RGB or RGBA, shrunk to fit 512 × 512 and saved by us as a PNG without
any metadata (EXIF, ICC profile, text chunks). The logo is addressed by the SHA-256 of those
bytes, so the same image uploaded twice is one `Logo` (and one URL, cached forever).
"""

import hashlib
import io
import math
import threading
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from applications.evidence_names import display_name

from ..models import Logo

MIN_SIDE = 64
MAX_SIDE = 4096
#: What a stored logo fits in (the catalogue shows it far smaller; 512 keeps it sharp on any
#: screen).
TARGET_SIDE = 512
KILOBYTE = 1024

#: Sniffed kind -> Pillow's format name (the only decoder allowed to open the file).
ACCEPTED = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}

#: What the refused kinds are, as a sentence says it (« le fichier … est une image SVG »).
_KIND_IN_SENTENCE = {
    "png": gettext_lazy("une image PNG"),
    "jpeg": gettext_lazy("une image JPEG"),
    "webp": gettext_lazy("une image WebP"),
    "svg": gettext_lazy("une image SVG"),
    "gif": gettext_lazy("une image GIF"),
    "bmp": gettext_lazy("une image BMP"),
    "tiff": gettext_lazy("une image TIFF"),
    "ico": gettext_lazy("une icône ICO"),
    "heif": gettext_lazy("une image HEIC ou AVIF"),
    "pdf": gettext_lazy("un document PDF"),
    "html": gettext_lazy("une page HTML"),
    "zip": gettext_lazy("une archive ZIP (ou un document bureautique)"),
}

# Everything Pillow may raise on a damaged or hostile file.
_DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)


def logo_store(uploaded_file) -> Logo:
    """Check `uploaded_file` (a Django UploadedFile, or any object with `name`, `read`, `seek`),
    re-encode it and return its `Logo`, created if no logo has the same bytes yet.

    Raises ValidationError (French, with a code: "empty", "too_large", "type", "corrupt",
    "bomb", "too_big", "too_small") and stores nothing when the file is refused."""
    name = display_name(getattr(uploaded_file, "name", "") or "")
    data = _read_bounded(uploaded_file, name)
    kind = sniff(data)
    if kind not in ACCEPTED:
        raise ValidationError(
            _(
                "Le logo doit être une image PNG, JPEG ou WebP : le fichier « %(name)s » est "
                "%(kind)s.%(why)s"
            ),
            code="type",
            params={
                "name": name,
                "kind": _KIND_IN_SENTENCE.get(kind, _("d'un type non reconnu")),
                "why": _(" Les images SVG peuvent contenir du code : elles ne sont pas acceptées.")
                if kind == "svg"
                else "",
            },
        )
    content, width, height = reencode(data, kind, name)
    sha256 = hashlib.sha256(content).hexdigest()
    defaults = {"content": content, "content_type": "image/png", "width": width, "height": height}
    try:
        with transaction.atomic():
            logo, _created = Logo.objects.get_or_create(sha256=sha256, defaults=defaults)
    except IntegrityError:  # the same image stored by someone else at the same instant
        logo = Logo.objects.get(sha256=sha256)
    return logo


def _read_bounded(uploaded_file, name: str) -> bytes:
    """The upload's bytes, never more than the limit plus one (a lying `size` changes nothing)."""
    limit = settings.CATALOGUE_LOGO_MAX_BYTES
    size = getattr(uploaded_file, "size", None)
    uploaded_file.seek(0)
    data = b"" if size is not None and size > limit else uploaded_file.read(limit + 1)
    uploaded_file.seek(0)
    if size is None or size <= limit:
        size = len(data)
    if size > limit:
        raise ValidationError(
            _(
                "Le logo « %(name)s » pèse %(size)s : la taille maximale est de %(max)s. "
                "Réduisez l'image (512 × 512 pixels suffisent) et déposez-la à nouveau."
            ),
            code="too_large",
            params={"name": name, "size": _weight(size), "max": _weight(limit)},
        )
    if not data:
        raise ValidationError(
            _("Le fichier « %(name)s » est vide."), code="empty", params={"name": name}
        )
    return data


def sniff(data: bytes) -> str | None:
    """The kind of file `data` holds, from its first bytes ("png", "svg", …), None if unknown."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data.startswith(b"BM"):
        return "bmp"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if data[:4] == b"\x00\x00\x01\x00":
        return "ico"
    if data[4:8] == b"ftyp":
        return "heif"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    head = _text_head(data)
    if b"<svg" in head:
        return "svg"
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return None


def _text_head(data: bytes) -> bytes:
    """The first kilobyte as lower-case ASCII-ish text, without a BOM or leading blanks (SVG may
    come as UTF-16: its NUL bytes are dropped)."""
    head = data[:KILOBYTE]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        head = head.removeprefix(bom)
    return head.replace(b"\x00", b"").lstrip().lower()


#: Pillow pads a truncated image silently when `ImageFile.LOAD_TRUNCATED_IMAGES` is set, and
#: WeasyPrint sets it for the whole process when it is imported: a logo is decoded with the flag
#: off, under a lock so that two uploads do not restore each other's value.
_STRICT_DECODING = threading.Lock()


def _load_whole(image) -> None:
    with _STRICT_DECODING:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            image.load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def reencode(data: bytes, kind: str, name: str) -> tuple[bytes, int, int]:
    """(PNG bytes, width, height) of the first frame of `data`, upright, without metadata and
    fitted to TARGET_SIDE. Raises ValidationError for a bomb, bad dimensions or a damaged file."""
    params = {"name": name}
    try:
        with warnings.catch_warnings():
            # Past Pillow's pixel limit it only warns (an error comes at twice the limit).
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[ACCEPTED[kind]])
            width, height = image.size
            _check_dimensions(width, height, params)
            image.seek(0)
            if kind == "jpeg":
                # Decode at the smallest scale that still covers the target (less memory).
                image.draft("RGB", (TARGET_SIDE, TARGET_SIDE))
            _load_whole(image)
            upright = ImageOps.exif_transpose(image)
            clean = upright.convert("RGBA" if _has_alpha(upright) else "RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _(
                "L'image « %(name)s » annonce un nombre de pixels démesuré pour sa taille : "
                "c'est le signe d'une « bombe de décompression », elle n'est pas acceptée."
            ),
            code="bomb",
            params=params,
        ) from exc
    except ValidationError:
        raise
    except _DECODE_ERRORS as exc:
        raise ValidationError(
            _("L'image « %(name)s » est endommagée : elle ne peut pas être lue."),
            code="corrupt",
            params=params,
        ) from exc
    clean.thumbnail((TARGET_SIDE, TARGET_SIDE), Image.Resampling.LANCZOS)
    clean.info = {}  # no EXIF, ICC profile, text or DPI carried over
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue(), clean.width, clean.height


def _check_dimensions(width: int, height: int, params: dict) -> None:
    dims = {**params, "width": width, "height": height}
    if width > MAX_SIDE or height > MAX_SIDE:
        raise ValidationError(
            _(
                "L'image « %(name)s » mesure %(width)s × %(height)s pixels : elle ne doit pas "
                "dépasser %(max)s × %(max)s pixels."
            ),
            code="too_big",
            params={**dims, "max": MAX_SIDE},
        )
    if width < MIN_SIDE or height < MIN_SIDE:
        raise ValidationError(
            _(
                "L'image « %(name)s » mesure %(width)s × %(height)s pixels : il faut au moins "
                "%(min)s × %(min)s pixels pour un logo net."
            ),
            code="too_small",
            params={**dims, "min": MIN_SIDE},
        )


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info


def _weight(size: int) -> str:
    """« 512 Ko », « 1,5 Mo » (rounded up, so that the limit plus one byte never reads as it)."""
    if size < KILOBYTE * KILOBYTE:
        return _("%(n)s Ko") % {"n": number_format(math.ceil(size / KILOBYTE))}
    tenths = math.ceil(size * 10 / KILOBYTE / KILOBYTE)
    decimals = 0 if tenths % 10 == 0 else 1
    return _("%(n)s Mo") % {"n": number_format(tenths / 10, decimal_pos=decimals)}
