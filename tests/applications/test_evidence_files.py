"""Evidence files: accepted on content, refused with a French reason, names made safe.

Every file here is a real small file built in memory; nothing touches the database."""

import contextlib
import dataclasses
import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from PIL import Image
from pypdf import PdfWriter

from applications.evidence_files import (
    ALLOWED_KINDS,
    MAX_EVIDENCE_BYTES,
    MAX_NAME_LENGTH,
    MAX_ZIP_ENTRIES,
    CheckedFile,
    accepted_extensions_html_attribute,
    check_evidence_file,
    sanitize_filename,
)

MEGABYTE = 1024 * 1024

# --- Real files ---------------------------------------------------------------------------------


def pdf_bytes() -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def encrypted_pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_bytes() -> bytes:
    """A 1×1 red PNG, chunk by chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    pixels = zlib.compress(b"\x00\xff\x00\x00")  # filter byte, then one red pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "blue").save(buffer, "JPEG")
    return buffer.getvalue()


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            # OpenDocument wants its mimetype stored first, uncompressed.
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


def odt_bytes(mimetype: bytes = b"application/vnd.oasis.opendocument.text") -> bytes:
    return zip_bytes(
        {
            "mimetype": mimetype,
            "META-INF/manifest.xml": b'<?xml version="1.0"?><manifest:manifest/>',
            "content.xml": b'<?xml version="1.0"?><office:document-content/>',
        }
    )


def docx_bytes(**extra: bytes) -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            "word/document.xml": b'<?xml version="1.0"?><w:document/>',
            **extra,
        }
    )


def xlsx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            "xl/workbook.xml": b'<?xml version="1.0"?><workbook/>',
            "xl/worksheets/sheet1.xml": b'<?xml version="1.0"?><worksheet/>',
        }
    )


def with_declared_sizes(archive: bytes, sizes: dict[str, int]) -> bytes:
    """The archive with its central directory claiming other uncompressed sizes: a ZIP bomb's
    declaration without the gigabytes."""
    data = bytearray(archive)
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) != -1:
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        name = data[start + 46 : start + 46 + name_length].decode()
        if name in sizes:
            struct.pack_into("<I", data, start + 24, sizes[name])
        start += 46
    return bytes(data)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refusal(uploaded) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        check_evidence_file(uploaded)
    return excinfo.value


# --- Accepted files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build", "kind"),
    [
        ("rapport.pdf", pdf_bytes, "pdf"),
        ("protege.pdf", encrypted_pdf_bytes, "pdf"),
        ("capture.png", png_bytes, "png"),
        ("photo.jpg", jpeg_bytes, "jpeg"),
        ("photo.jpeg", jpeg_bytes, "jpeg"),
        ("PHOTO.JPG", jpeg_bytes, "jpeg"),
        ("note.odt", odt_bytes, "odt"),
        ("dossier.docx", docx_bytes, "docx"),
        ("budget.xlsx", xlsx_bytes, "xlsx"),
    ],
)
def test_check_evidence_file_accepts_allowed_kind(name, build, kind):
    content = build()

    checked = check_evidence_file(upload(name, content))

    assert checked == CheckedFile(
        name=sanitize_filename(name),
        kind=kind,
        content_type=ALLOWED_KINDS[kind].content_type,
        size=len(content),
    )


def test_check_evidence_file_content_type_ignores_browser_claim():
    uploaded = SimpleUploadedFile("capture.png", png_bytes(), content_type="application/pdf")

    assert check_evidence_file(uploaded).content_type == "image/png"


def test_check_evidence_file_name_sanitised_and_extension_lowercased():
    checked = check_evidence_file(upload("Rapport d'activité (2024).PDF", pdf_bytes()))

    assert checked.name == "Rapport d_activité _2024_.pdf"


def test_check_evidence_file_accepts_exactly_max_size():
    with TemporaryUploadedFile("lourd.pdf", "application/pdf", MAX_EVIDENCE_BYTES, None) as tmp:
        tmp.write(pdf_bytes())
        tmp.file.truncate(MAX_EVIDENCE_BYTES)  # sparse: no 20 MB written

        assert check_evidence_file(tmp).size == MAX_EVIDENCE_BYTES


def test_checked_file_is_frozen():
    checked = check_evidence_file(upload("rapport.pdf", pdf_bytes()))

    with pytest.raises(dataclasses.FrozenInstanceError):
        checked.kind = "png"


# --- Refused files ------------------------------------------------------------------------------


def test_check_evidence_file_empty_refused():
    error = refusal(upload("vide.pdf", b""))

    assert error.code == "empty"
    assert error.messages == ["Le fichier « vide.pdf » est vide."]


def test_check_evidence_file_too_large_refused_from_declared_size():
    uploaded = upload("gros.pdf", pdf_bytes())
    uploaded.size = int(23.4 * MEGABYTE)

    error = refusal(uploaded)

    assert error.code == "too_large"
    assert error.messages == [
        "Le fichier « gros.pdf » dépasse la taille maximale de 20 Mo (il fait 23,4 Mo)."
    ]


def test_check_evidence_file_one_byte_over_max_refused():
    size = MAX_EVIDENCE_BYTES + 1
    with TemporaryUploadedFile("gros.pdf", "application/pdf", size, None) as tmp:
        tmp.write(pdf_bytes())
        tmp.file.truncate(size)

        error = refusal(tmp)

    assert error.code == "too_large"
    assert "(il fait 20,1 Mo)" in error.messages[0]


def test_check_evidence_file_executable_disguised_as_pdf_refused():
    executable = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 50

    error = refusal(upload("facture.pdf", executable))

    assert error.code == "type"
    assert error.messages == [
        "Le fichier « facture.pdf » n'est pas un document PDF valide, malgré son extension : "
        "seuls les types PDF, PNG, JPEG, ODT, DOCX ou XLSX sont acceptés."
    ]


def test_check_evidence_file_unknown_type_refused():
    error = refusal(upload("x.exe", b"MZ\x90\x00" + b"\x00" * 60))

    assert error.code == "type"
    assert error.messages == [
        "Le fichier « x.exe » n'est pas d'un type accepté (PDF, PNG, JPEG, ODT, DOCX ou XLSX)."
    ]


def test_check_evidence_file_png_renamed_pdf_refused():
    error = refusal(upload("rapport.pdf", png_bytes()))

    assert error.code == "extension_mismatch"
    assert error.messages == [
        "Le fichier « rapport.pdf » est en réalité une image PNG : renommez-le ou déposez le bon "
        "fichier."
    ]


def test_check_evidence_file_docx_renamed_xlsx_refused():
    error = refusal(upload("budget.xlsx", docx_bytes()))

    assert error.code == "extension_mismatch"
    assert "« budget.xlsx »" in error.messages[0]
    assert "un document Word (DOCX)" in error.messages[0]


@pytest.mark.parametrize("name", ["rapport", "rapport.txt", "rapport.pdf.exe"])
def test_check_evidence_file_pdf_without_pdf_extension_refused(name):
    error = refusal(upload(name, pdf_bytes()))

    assert error.code == "extension_mismatch"
    assert error.messages == [
        f"Le fichier « {name} » est un document PDF, mais son nom ne se termine pas par .pdf : "
        "renommez-le ou déposez le bon fichier."
    ]


def test_check_evidence_file_plain_zip_renamed_docx_refused():
    archive = zip_bytes({"photos/vacances.txt": b"pas un document Word"})

    error = refusal(upload("a.docx", archive))

    assert error.code == "type"
    assert "« a.docx »" in error.messages[0]


def test_check_evidence_file_other_opendocument_refused():
    spreadsheet = odt_bytes(mimetype=b"application/vnd.oasis.opendocument.spreadsheet")

    error = refusal(upload("tableau.odt", spreadsheet))

    assert error.code == "type"


def test_check_evidence_file_odt_mimetype_with_trailing_bytes_refused():
    error = refusal(upload("note.odt", odt_bytes(b"application/vnd.oasis.opendocument.text2")))

    assert error.code == "type"


def test_check_evidence_file_truncated_zip_refused():
    content = docx_bytes()

    error = refusal(upload("a.docx", content[: len(content) // 2]))

    assert error.code == "corrupt"
    assert error.messages == ["Le fichier « a.docx » est endommagé : il ne peut pas être lu."]


def test_check_evidence_file_odt_with_bad_checksum_refused():
    content = bytearray(odt_bytes())
    stored_at = content.find(b"application/vnd.oasis")  # the stored mimetype's bytes
    content[stored_at] = ord("A")

    error = refusal(upload("note.odt", bytes(content)))

    assert error.code == "corrupt"


def test_check_evidence_file_zip_bomb_declared_size_refused():
    bomb = with_declared_sizes(
        docx_bytes(**{"word/media/a.bin": b"0" * 10, "word/media/b.bin": b"0" * 10}),
        {"word/media/a.bin": 150 * MEGABYTE, "word/media/b.bin": 150 * MEGABYTE},
    )

    error = refusal(upload("a.docx", bomb))

    assert error.code == "too_large"
    assert error.messages == [
        "Le fichier « a.docx » est trop volumineux une fois décompressé (plus de 200 Mo) : "
        "il ne peut pas être accepté."
    ]


def test_check_evidence_file_zip_with_too_many_entries_refused():
    entries = {f"word/media/{number}.xml": b"" for number in range(MAX_ZIP_ENTRIES + 1)}

    error = refusal(upload("a.docx", docx_bytes(**entries)))

    assert error.code == "too_large"


def test_check_evidence_file_message_names_base_name_only():
    error = refusal(upload("../../secret/vi\x1bde\u202e.pdf", b""))

    assert error.messages == ["Le fichier « vide.pdf » est vide."]


# --- File position ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("rapport.pdf", pdf_bytes),
        ("note.odt", odt_bytes),
        ("rapport.pdf", png_bytes),
        ("x.exe", lambda: b"MZ" + b"\x00" * 60),
        ("a.docx", lambda: docx_bytes()[:100]),
    ],
    ids=["accepted", "accepted-zip", "mismatch", "type", "corrupt"],
)
def test_check_evidence_file_leaves_position_at_start(name, build):
    uploaded = upload(name, build())
    uploaded.read(7)  # a form may already have read from it

    with contextlib.suppress(ValidationError):
        check_evidence_file(uploaded)

    assert uploaded.tell() == 0


def test_check_evidence_file_too_large_leaves_position_at_start():
    uploaded = upload("gros.pdf", pdf_bytes())
    uploaded.size = MAX_EVIDENCE_BYTES + 1
    uploaded.read(3)

    refusal(uploaded)

    assert uploaded.tell() == 0


# --- Names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\marie\\Documents\\rapport.pdf", "rapport.pdf"),
        ("dossier/sous\\mixte.png", "mixte.png"),
        ("rap\x00port\x1b.pdf", "rap_port_.pdf"),
        ("rapport\n\t  final .pdf", "rapport final.pdf"),
        ("facture\u202efdp.exe", "facture_fdp.exe"),
        ("Compte-rendu été 2024 – Hôpital.odt", "Compte-rendu été 2024 _ Hôpital.odt"),
        ("e\u0301te\u0301.docx", "été.docx"),
        ("RAPPORT.PDF", "RAPPORT.pdf"),
        ("  ..cachée.odt", "cachée.odt"),
        ("rapport.pdf. ", "rapport.pdf"),
        ("rapport (v2) [final].pdf", "rapport _v2_ _final_.pdf"),
        ("archive.tar.gz", "archive.tar.gz"),
        ("", "piece-justificative"),
        ("...", "piece-justificative"),
        ("../", "piece-justificative"),
        (".pdf", "piece-justificative.pdf"),
    ],
)
def test_sanitize_filename_cases(name, expected):
    assert sanitize_filename(name) == expected


@pytest.mark.parametrize(
    ("name", "extension", "expected"),
    [
        ("rapport", "pdf", "rapport.pdf"),
        ("rapport.PDF", ".pdf", "rapport.pdf"),
        ("rapport.pdf", "PDF", "rapport.pdf"),
        ("photo.jpeg", "jpg", "photo.jpeg.jpg"),
        ("", "pdf", "piece-justificative.pdf"),
        ("../../", ".xlsx", "piece-justificative.xlsx"),
    ],
)
def test_sanitize_filename_with_extension(name, extension, expected):
    assert sanitize_filename(name, extension) == expected


@pytest.mark.parametrize("extension", ["", ".", "p df", "../pdf", "x" * 11])
def test_sanitize_filename_invalid_extension_raises(extension):
    with pytest.raises(ValueError):
        sanitize_filename("rapport", extension)


def test_sanitize_filename_long_name_truncated_keeping_extension():
    name = sanitize_filename("é" * 300 + ".PDF")

    assert len(name) == MAX_NAME_LENGTH
    assert name == "é" * (MAX_NAME_LENGTH - 4) + ".pdf"


def test_sanitize_filename_long_name_truncated_without_trailing_space():
    name = sanitize_filename("a" * 114 + " bcdefgh.docx")

    assert name == "a" * 114 + ".docx"


def test_sanitize_filename_idempotent():
    names = ["../x/Rapport final (v2).PDF", "  ..é\x00.odt", "a" * 200 + ".xlsx", ""]

    for name in names:
        once = sanitize_filename(name)
        assert sanitize_filename(once) == once


# --- Constants ----------------------------------------------------------------------------------


def test_accepted_extensions_html_attribute_lists_all_extensions():
    assert accepted_extensions_html_attribute() == ".pdf,.png,.jpg,.jpeg,.odt,.docx,.xlsx"


def test_allowed_kinds_cover_the_six_kinds():
    assert list(ALLOWED_KINDS) == ["pdf", "png", "jpeg", "odt", "docx", "xlsx"]
    label, content_type, extensions = ALLOWED_KINDS["odt"]
    assert content_type == "application/vnd.oasis.opendocument.text"
    assert extensions == (".odt",)
    assert str(label) == "Document texte OpenDocument (ODT)"


def test_max_evidence_bytes_is_twenty_megabytes():
    assert MAX_EVIDENCE_BYTES == 20 * 1024 * 1024
