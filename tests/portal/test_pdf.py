"""PDF rendering: WeasyPrint may load the project's static files (the Marianne fonts) and nothing
else, neither local files nor URLs, whatever a template lets through.

Real renders, a real local HTTP server, poppler and pypdf to read the results."""

import copy
import http.server
import io
import logging
import subprocess
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from pypdf import PdfReader

from portal.pdf import pdf_fonts, render_pdf, render_pdf_from_string, static_roots

TEST_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
SECRET = "jeton-secret-7f3a91"


@pytest.fixture
def http_server():
    """A tiny HTTP server on a loopback port that records every request it receives."""
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            received.append(self.path)
            body = b"h1::after { content: 'charge depuis le serveur'; }"
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout


def pdffonts(content: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True, timeout=30
    ).stdout


def attached_files(content: bytes) -> list[str]:
    """Files embedded in the PDF: document attachments and file-attachment annotations."""
    reader = PdfReader(io.BytesIO(content))
    names = list(reader.attachments)
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/FileAttachment":
                names.append(str(annotation["/FS"].get_object().get("/F")))
    return names


def hostile_markup(server_url: str, secret_file: Path) -> str:
    """What one `|safe` field could smuggle into a PDF template: a remote stylesheet, an internal
    URL, local files as image, stylesheet and attachment (WeasyPrint embeds attachments)."""
    return f"""
      <link rel="stylesheet" href="{server_url}/x.css">
      <style>@import url("{server_url}/import.css");</style>
      <img src="{server_url}/pixel.png" alt="">
      <img src="file:///etc/hostname" alt="">
      <link rel="stylesheet" href="file:///etc/hostname">
      <link rel="attachment" href="file:///etc/hostname">
      <a rel="attachment" href="{secret_file.as_uri()}">pièce</a>
      <link rel="attachment" href="{server_url}/attachment.txt">
    """


def test_render_pdf_template_with_safe_field_reaches_no_url_and_reads_no_file(
    http_server, secret_file, tmp_path, caplog
):
    server_url, received = http_server
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEST_TEMPLATES]

    with override_settings(TEMPLATES=templates), caplog.at_level(logging.WARNING, "portal.pdf"):
        content = render_pdf(
            "tests/pdf_with_safe_field.html", {"field": hostile_markup(server_url, secret_file)}
        )

    assert received == []  # the server never heard from WeasyPrint
    text = pdf_text(content, tmp_path)
    assert "Document de test" in text  # rendered all the same
    assert "charge depuis le serveur" not in text
    assert Path("/etc/hostname").read_text().strip() not in text.split()
    assert SECRET not in text
    assert attached_files(content) == []
    refused = [r.getMessage() for r in caplog.records if r.name == "portal.pdf"]
    assert any("file:///etc/hostname" in message for message in refused), refused
    assert any(f"{server_url}/x.css" in message for message in refused), refused
    assert all(message.startswith("PDF : ressource refusée") for message in refused)


def test_render_pdf_ignores_base_href_to_the_file_system(secret_file, tmp_path):
    html = (
        f'<html><head><base href="{secret_file.parent.as_uri()}/"></head><body><p>Texte</p>'
        '<link rel="attachment" href="secret.txt"><img src="secret.txt" alt=""></body></html>'
    )

    content = render_pdf_from_string(html)

    assert attached_files(content) == []
    assert SECRET not in pdf_text(content, tmp_path)


def test_render_pdf_serves_static_files_and_refuses_links_out_of_them(tmp_path, secret_file):
    static_root = tmp_path / "static"
    static_root.mkdir()
    (static_root / "document.css").write_text("h1::after { content: ' (feuille statique)'; }")
    (static_root / "lien.css").symlink_to(secret_file)
    html = (
        f'<link rel="stylesheet" href="{(static_root / "document.css").as_uri()}">'
        f'<link rel="attachment" href="{(static_root / "lien.css").as_uri()}">'
        f'<link rel="attachment" href="{static_root.as_uri()}/../secret.txt">'
        "<h1>Titre</h1>"
    )

    with override_settings(STATIC_ROOT=static_root):
        assert static_root.resolve() in static_roots()
        content = render_pdf_from_string(html)

    text = pdf_text(content, tmp_path)
    assert "Titre (feuille statique)" in " ".join(text.split())
    assert attached_files(content) == []  # symlink and ../ both refused


def test_render_pdf_embeds_marianne_from_the_dsfr_static_files(tmp_path):
    fonts = pdf_fonts()
    assert set(fonts) == {"regular", "bold"}
    faces = "".join(
        f'@font-face {{ font-family: "Marianne"; font-weight: {weight}; src: url("{url}"); }}'
        for weight, url in ((400, fonts["regular"]), (700, fonts["bold"]))
    )
    html = (
        f'<style>{faces} body {{ font-family: "Marianne"; }}</style>'
        "<p>Liberté, <b>Égalité</b>, Fraternité</p>"
    )

    listing = pdffonts(render_pdf_from_string(html), tmp_path).splitlines()[2:]

    marianne = [line.split()[0].split("+")[-1] for line in listing if "Marianne" in line]
    assert len(marianne) == 2 and "Marianne-Bold" in marianne, listing
    assert all(line.split()[-5] == "yes" for line in listing), listing  # all embedded


def test_a_reference_reads_whole_in_the_pdf_text(tmp_path):
    """Marianne kerns « QJ » apart by enough that readers (copy and paste, pdftotext, screen
    readers) extract a space: the documents turn kerning off, so a reference copied from a
    decision is the reference."""
    references = ["D-2026-ZQJ3B5", "D-2026-QJQJ77", "REF-2026-QJ01"]
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEST_TEMPLATES]

    with override_settings(TEMPLATES=templates):
        content = render_pdf("tests/pdf_references.html", {"references": references})

    words = pdf_text(content, tmp_path).split()
    # The first one in the header, the page's foot and the body; the others in the body.
    assert [words.count(reference) for reference in references] == [3, 1, 1], words
