"""Uploads: an oversized body is refused before it is read, active files are refused on content,
and in both cases nothing is stored; the limits of Django and of the reverse proxy agree.

Bodies go through the real test client; the oversized ones are streamed by a WSGI input that
counts what the server reads of it."""

import io
import re
import zipfile
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.enums import DossierState
from applications.evidence_files import MAX_EVIDENCE_BYTES
from applications.models import Evidence
from tests.factories import OrganisationFactory, editor
from tests.factories.dossiers import TINY_PDF, dossier_in_state

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
MEGABYTE = 1024 * 1024
CODE = "ETH-ACC-01"
BOUNDARY = "limite-de-test"
TOO_LARGE_FOR_EVIDENCE = (
    "Le fichier envoyé dépasse la taille maximale de 20 Mo : il n'a été ni reçu ni enregistré. "
    "Déposez un fichier plus petit."
)


class CountingBody(io.RawIOBase):
    """A multipart body carrying one file of `size` bytes, produced as it is read (nothing held
    in memory), which counts the bytes the server reads."""

    def __init__(self, size: int, name: str = "gros.pdf"):
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"'
            "\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n"
        ).encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.length = len(self.head) + size + len(self.tail)
        self.position = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        wanted = min(len(buffer), self.length - self.position)
        chunk = bytearray()
        while len(chunk) < wanted:
            at = self.position + len(chunk)
            if at < len(self.head):
                chunk += self.head[at : at + wanted - len(chunk)]
            elif at < self.length - len(self.tail):
                chunk += b"\0" * min(wanted - len(chunk), self.length - len(self.tail) - at)
            else:
                offset = at - (self.length - len(self.tail))
                chunk += self.tail[offset : offset + wanted - len(chunk)]
        buffer[:wanted] = chunk
        self.position += wanted
        return wanted


def post_streamed(client, url, body: CountingBody, *, htmx: bool = False):
    return client.generic(
        "POST",
        url,
        headers={"HX-Request": "true"} if htmx else None,
        CONTENT_LENGTH=str(body.length),
        CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
        **{"wsgi.input": body},
    )


def upload_url(dossier):
    return reverse("applications:evidence-upload", args=[dossier.pk, CODE])


def stored_files():
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def page_text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def draft(client):
    dossier, cast = dossier_in_state(DossierState.DRAFT, filled=False)
    client.force_login(cast.editor)
    return dossier


# --- Oversized bodies ---------------------------------------------------------------------------


def test_oversized_upload_refused_413_before_its_body_is_read(client, draft):
    before = stored_files()
    body = CountingBody(25 * MEGABYTE)

    response = post_streamed(client, upload_url(draft), body)

    assert response.status_code == 413
    assert body.position == 0  # not one byte read, so nothing spooled to disk
    assert not Evidence.objects.filter(dossier=draft).exists()
    assert stored_files() == before
    # The questionnaire page itself, with the error next to the requirement's file field.
    content = response.content.decode()
    assert "<html" in content and f'id="fichier-{CODE}-erreur"' in content
    assert TOO_LARGE_FOR_EVIDENCE in page_text(response)
    assert "<title>Erreur : " in content


def test_oversized_htmx_upload_gets_the_evidence_fragment_with_the_error(client, draft):
    body = CountingBody(25 * MEGABYTE)

    response = post_streamed(client, upload_url(draft), body, htmx=True)

    assert response.status_code == 413
    assert body.position == 0
    content = response.content.decode()
    assert "<html" not in content
    assert f'id="pieces-{CODE}"' in content and f'id="fichier-{CODE}-erreur"' in content
    assert response["HX-Retarget"] == f"#pieces-{CODE}"
    assert response["HX-Reswap"] == "outerHTML"
    assert TOO_LARGE_FOR_EVIDENCE in page_text(response)


def test_oversized_upload_by_someone_else_answers_404_unread(client, draft):
    client.force_login(editor(OrganisationFactory()))
    body = CountingBody(25 * MEGABYTE)

    response = post_streamed(client, upload_url(draft), body)

    assert response.status_code == 404
    assert body.position == 0


def test_oversized_upload_signed_out_goes_to_sign_in_unread(client, draft):
    client.logout()
    body = CountingBody(25 * MEGABYTE)

    response = post_streamed(client, upload_url(draft), body)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))
    assert body.position == 0


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_oversized_body_to_any_other_view_refused_413_unread(client, draft, htmx):
    url = reverse("applications:answer-update", args=[draft.pk, CODE])
    body = CountingBody(settings.UPLOAD_MAX_REQUEST_BYTES)  # head and tail make it one too many

    response = post_streamed(client, url, body, htmx=htmx)

    assert response.status_code == 413
    assert body.position == 0
    assert (
        "Votre envoi dépasse la taille maximale acceptée (21 Mo) : il n'a été ni reçu ni "
        "enregistré." in page_text(response)
    )
    assert ("<html" in response.content.decode()) is not htmx


def test_largest_evidence_file_still_gets_through(client, draft):
    # 20 MB exactly, as a real PDF padded with a comment: the body cap leaves room for the form.
    content = TINY_PDF + b"%" + b"0" * (MAX_EVIDENCE_BYTES - len(TINY_PDF) - 2) + b"\n"
    assert len(content) == MAX_EVIDENCE_BYTES

    response = client.post(upload_url(draft), {"file": SimpleUploadedFile("gros.pdf", content)})

    assert response.status_code == 302
    assert Evidence.objects.get(dossier=draft).size == MAX_EVIDENCE_BYTES


# --- Active files through the upload view -------------------------------------------------------


def macro_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType='
            '"application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "rapport.pdf",
            b"%PDF-1.7\n1 0 obj << /Type /Catalog /OpenAction << /S /J#61vaScript "
            b"/JS (app.launchURL('https://x.example/');) >> >> endobj\ntrailer << /Root 1 0 R >>"
            b"\n%%EOF\n",
            "Le fichier « rapport.pdf » contient du code JavaScript et des actions déclenchées "
            "automatiquement (à l'ouverture ou à la consultation) : les PDF à contenu actif ne "
            "sont pas acceptés.",
        ),
        (
            "rapport.docx",
            macro_docx(),
            "Le fichier « rapport.docx » contient des macros : les documents avec macros ne sont "
            "pas acceptés.",
        ),
    ],
    ids=["pdf-javascript", "docm-renamed-docx"],
)
def test_active_file_upload_refused_with_reason_and_nothing_stored(
    client, draft, name, content, message
):
    before = stored_files()

    response = client.post(upload_url(draft), {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 400
    assert message in page_text(response)
    assert not Evidence.objects.filter(dossier=draft).exists()
    assert stored_files() == before


def test_refused_htmx_upload_gets_the_evidence_fragment_with_the_reason(client, draft):
    response = client.post(
        upload_url(draft),
        {"file": SimpleUploadedFile("rapport.docx", macro_docx())},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 400
    assert response["HX-Retarget"] == f"#pieces-{CODE}"
    assert f'id="fichier-{CODE}-erreur"' in response.content.decode()
    assert "contient des macros" in page_text(response)
    assert not Evidence.objects.filter(dossier=draft).exists()


# --- Limits -------------------------------------------------------------------------------------


def test_upload_limits_in_settings():
    assert settings.UPLOAD_MAX_REQUEST_BYTES == 21 * MEGABYTE
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440
    middleware = settings.MIDDLEWARE
    assert middleware.index("portal.uploads.RequestBodyLimitMiddleware") < middleware.index(
        "django.middleware.csrf.CsrfViewMiddleware"
    )


def test_reverse_proxy_refuses_the_same_bodies_before_django():
    nginx = (ROOT / "docker" / "nginx.conf").read_text()
    limits = re.findall(r"^\s*client_max_body_size\s+(\d+)m;", nginx, re.MULTILINE)
    assert limits == [str(settings.UPLOAD_MAX_REQUEST_BYTES // MEGABYTE)]
    assert "error_page 413" in nginx
    compose = (ROOT / "docker" / "compose.yaml").read_text()
    assert "./nginx.conf:/etc/nginx/conf.d/default.conf:ro" in compose
