"""Small helpers shared by the instruction and evaluation tests."""

import re
from html import unescape

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import Requirement

#: A PNG as the content check sees one (its signature is what matters here).
TINY_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def text(response) -> str:
    """The page as a person reads it: tags removed, entities decoded, spaces squeezed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", unescape(body))


def html(response) -> str:
    return unescape(response.content.decode())


def requirement(dossier, code) -> Requirement:
    return Requirement.objects.get(version=dossier.referential_version, code=code)


def png(name="capture.png"):
    return SimpleUploadedFile(name, TINY_PNG, "image/png")


def evaluation_url(dossier, domain):
    return reverse("reviews:evaluation", args=[dossier.pk, domain])


def verdict_url(dossier, domain, code):
    return reverse("reviews:verdict-save", args=[dossier.pk, domain, code])
