"""Evidence files: accepted on content, refused with a French reason, names made safe.

Every file here is a real small file built in memory; nothing touches the database."""

import contextlib
import dataclasses
import io
import struct
import subprocess
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from PIL import Image
from pypdf import PdfReader, PdfWriter

from applications.evidence_files import (
    ALLOWED_KINDS,
    MAX_EVIDENCE_BYTES,
    MAX_ZIP_ENTRIES,
    CheckedFile,
    accepted_extensions_html_attribute,
    check_evidence_file,
)
from applications.evidence_names import MAX_NAME_LENGTH, sanitize_filename
from portal.pdf import render_pdf_from_string

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


def pdf_with(*, catalog: bytes = b"", page: bytes = b"", others: tuple[bytes, ...] = ()) -> bytes:
    """A one-page PDF with `catalog` and `page` added to those dictionaries and `others` as
    objects 4, 5…; cross-reference table correct."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] " + page + b" >>",
        *others,
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(bodies) + 1,
        xref,
    )
    return bytes(out)


def stream(data: bytes, dictionary: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), dictionary, data)


def pdf_with_object_stream(
    *,
    catalog: bytes = b"",
    others: tuple[bytes, ...] = (),
    packed: bytes | None = None,
    dictionary: bytes = b"",
) -> bytes:
    """Like `pdf_with`, but PDF 1.5 as Acrobat or Word write it: every object compressed in an
    object stream, found through a cross-reference stream. `packed` replaces the deflated bytes
    of the object stream (with encrypted ones, say); `dictionary` ends its dictionary."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        *others,
    ]
    header, body = [], b""
    for number, content in enumerate(objects, start=1):
        header.append(b"%d %d" % (number, len(body)))
        body += content + b"\n"
    header = b" ".join(header) + b"\n"
    packed = zlib.compress(header + body) if packed is None else packed
    stream_number = len(objects) + 1
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    stream_offset = len(out)
    out += b"%d 0 obj\n%s\nendobj\n" % (
        stream_number,
        stream(
            packed,
            b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode %s"
            % (len(objects), len(header), dictionary),
        ),
    )
    xref_offset = len(out)
    rows = [struct.pack(">BHH", 0, 0, 0xFFFF)]
    rows += [struct.pack(">BHH", 2, stream_number, index) for index in range(len(objects))]
    rows += [struct.pack(">BHH", 1, stream_offset, 0), struct.pack(">BHH", 1, xref_offset, 0)]
    out += b"%d 0 obj\n%s\nendobj\n" % (
        stream_number + 1,
        stream(
            b"".join(rows),
            b"/Type /XRef /Size %d /W [1 2 2] /Root 1 0 R" % (stream_number + 2),
        ),
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
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

    assert error.code == "too_large_unpacked"
    assert error.messages == [
        "Le fichier « a.docx » est trop volumineux une fois décompressé (plus de 200 Mo) : "
        "il ne peut pas être accepté."
    ]


def test_check_evidence_file_zip_with_too_many_entries_refused_for_that_reason():
    # 10,050 entries in all, each empty: nothing near 200 MB, the count is the reason.
    entries = {f"word/media/{number}.xml": b"" for number in range(10_050 - 3)}
    content = docx_bytes(**entries)
    assert len(zipfile.ZipFile(io.BytesIO(content)).infolist()) == 10_050

    error = refusal(upload("a.docx", content))

    assert error.code == "too_many_entries"
    assert error.messages == [
        "Le fichier « a.docx » contient trop d'éléments (10\xa0050, pour 10\xa0000 au plus) : "
        "ce n'est pas un document ordinaire, il ne peut pas être accepté."
    ]
    assert "200 Mo" not in error.messages[0]


def test_check_evidence_file_zip_with_max_entries_accepted():
    entries = {f"word/media/{number}.xml": b"" for number in range(MAX_ZIP_ENTRIES - 3)}

    assert check_evidence_file(upload("a.docx", docx_bytes(**entries))).kind == "docx"


def test_check_evidence_file_zip_entry_compressed_like_a_bomb_refused_for_that_reason():
    # A real entry (no lying declaration): 5 MB of zeros deflate to ≈ 5 KB, a ratio of ≈ 1,000,
    # far under 200 MB unpacked.
    content = docx_bytes(**{"word/media/image1.bin": b"\x00" * (5 * MEGABYTE)})

    error = refusal(upload("a.docx", content))

    assert error.code == "compression_ratio"
    assert error.messages == [
        "Le fichier « a.docx » contient un élément compressé de façon anormale (plus de 100 fois "
        "plus gros une fois décompressé) : c'est le signe d'une « bombe de décompression », il "
        "ne peut pas être accepté."
    ]


def test_check_evidence_file_zip_with_ordinary_compression_accepted():
    # 1 MB of varied XML deflates by a ratio well under 100.
    rows = b"".join(b"<w:p><w:t>%d %x</w:t></w:p>" % (n, n * 7919) for n in range(40_000))
    content = docx_bytes(**{"word/document.xml": b"<w:document>" + rows + b"</w:document>"})

    assert check_evidence_file(upload("a.docx", content)).kind == "docx"


# --- Active content -----------------------------------------------------------------------------

ACTIVE_ADVICE = (
    " : les PDF à contenu actif ne sont pas acceptés. Déposez une version sans contenu actif "
    "(par exemple en l'imprimant au format PDF)."
)


def poppler_sees_javascript(content: bytes, tmp_path) -> bool:
    """What a real reader (poppler's pdfinfo) finds: the fixtures are PDFs a viewer would run."""
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    info = subprocess.run(
        ["pdfinfo", str(path)], check=True, capture_output=True, text=True, timeout=30
    ).stdout
    return "JavaScript:      yes" in info


def test_check_evidence_file_pdf_with_javascript_on_opening_refused():
    content = pdf_with(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert('ouvert');) >>")
    assert PdfReader(io.BytesIO(content)).trailer["/Root"]["/OpenAction"]["/S"] == "/JavaScript"

    error = refusal(upload("rapport.pdf", content))

    assert error.code == "active_content"
    assert error.messages == [
        "Le fichier « rapport.pdf » contient du code JavaScript et des actions déclenchées "
        "automatiquement (à l'ouverture ou à la consultation)" + ACTIVE_ADVICE
    ]


def test_check_evidence_file_pdf_with_hex_escaped_javascript_names_refused(tmp_path):
    # /J#61vaScript is /JavaScript and /J#53 is /JS: the names of a document-level script.
    content = pdf_with(
        catalog=b"/Names << /J#61vaScript << /Names [(x) 4 0 R] >> >>",
        others=(b"<< /S /J#61v#61Script /J#53 <6170702E616C6572742831293B> >>",),
    )
    assert poppler_sees_javascript(content, tmp_path)

    error = refusal(upload("rapport.pdf", content))

    assert error.code == "active_content"
    assert error.messages == [
        "Le fichier « rapport.pdf » contient du code JavaScript" + ACTIVE_ADVICE
    ]


def test_check_evidence_file_pdf_with_javascript_in_compressed_object_stream_refused(tmp_path):
    content = pdf_with_object_stream(
        catalog=b"/Names << /JavaScript << /Names [(x) 4 0 R] >> >>",
        others=(b"<< /S /J#61vaScript /JS (app.alert(1);) >>",),
    )
    assert b"JavaScript" not in content and b"J#61vaScript" not in content  # all deflated
    assert poppler_sees_javascript(content, tmp_path)

    error = refusal(upload("rapport.pdf", content))

    assert error.code == "active_content"
    assert "contient du code JavaScript" in error.messages[0]


def test_check_evidence_file_pdf_object_stream_behind_a_fake_stream_keyword_refused():
    # A valid PDF: the string value holds the word "stream" and a harmless deflated object
    # stream, the real data comes after; a reader (pypdf here) finds the script.
    harmless = zlib.compress(b"9 0 [] ")
    for special in (b"\\", b"(", b")"):
        harmless = harmless.replace(special, b"\\" + special)
    content = pdf_with_object_stream(
        catalog=b"/Names << /JavaScript << /Names [(x) 4 0 R] >> >>",
        others=(b"<< /S /JavaScript /JS (app.alert(1);) >>",),
        dictionary=b"/Comment (>> stream\n" + harmless + b")",
    )
    assert PdfReader(io.BytesIO(content)).get_object(4)["/S"] == "/JavaScript"

    error = refusal(upload("rapport.pdf", content))

    assert error.code == "active_content"
    assert "contient du code JavaScript" in error.messages[0]


def test_check_evidence_file_pdf_with_launch_on_page_opening_refused():
    content = pdf_with(page=b"/AA << /O << /S /Launch /F (C:\\\\Windows\\\\calc.exe) >> >>")

    error = refusal(upload("rapport.pdf", content))

    assert error.code == "active_content"
    assert error.messages == [
        "Le fichier « rapport.pdf » contient une action qui lance un programme ou ouvre un "
        "fichier et des actions déclenchées automatiquement (à l'ouverture ou à la "
        "consultation)" + ACTIVE_ADVICE
    ]


def test_check_evidence_file_pdf_opening_a_web_page_by_reference_refused():
    content = pdf_with(
        catalog=b"/OpenAction 4 0 R",
        others=(b"<< /S /URI /URI (https://phishing.example/) >>",),
    )

    error = refusal(upload("rapport.pdf", content))

    assert error.messages == [
        "Le fichier « rapport.pdf » contient des actions déclenchées automatiquement (à "
        "l'ouverture ou à la consultation)" + ACTIVE_ADVICE
    ]


@pytest.mark.parametrize(
    "build",
    [
        lambda: pdf_with(catalog=b"/OpenAction [3 0 R /XYZ null null 0]"),  # as LibreOffice
        lambda: pdf_with(catalog=b"/OpenAction 4 0 R", others=(b"[3 0 R /Fit]",)),
        lambda: pdf_with_object_stream(catalog=b"/OpenAction 4 0 R", others=(b"[3 0 R /Fit]",)),
    ],
    ids=["direct", "by-reference", "in-object-stream"],
)
def test_check_evidence_file_pdf_opening_at_a_page_accepted(build):
    assert check_evidence_file(upload("rapport.pdf", build())).kind == "pdf"


def test_check_evidence_file_pdf_opening_an_action_in_object_stream_refused():
    content = pdf_with_object_stream(
        catalog=b"/OpenAction 4 0 R", others=(b"<< /S /URI /URI (https://x.example/) >>",)
    )

    assert refusal(upload("rapport.pdf", content)).code == "active_content"


def test_check_evidence_file_pdf_with_attached_file_refused():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_attachment("facture.exe", b"MZ\x90\x00")
    buffer = io.BytesIO()
    writer.write(buffer)

    error = refusal(upload("rapport.pdf", buffer.getvalue()))

    assert error.messages == [
        "Le fichier « rapport.pdf » contient des fichiers joints" + ACTIVE_ADVICE
    ]


@pytest.mark.parametrize(
    ("catalog", "contents"),
    [
        (b"/AcroForm << /Fields [] /XFA [(template) 4 0 R] >>", "un formulaire dynamique (XFA)"),
        (
            b"/Names << /RichMedia 4 0 R >>",
            "des contenus multimédias interactifs",
        ),
    ],
    ids=["xfa", "rich-media"],
)
def test_check_evidence_file_pdf_with_other_active_content_refused(catalog, contents):
    content = pdf_with(catalog=catalog, others=(stream(b"<xdp:xdp/>"),))

    error = refusal(upload("rapport.pdf", content))

    assert error.messages == [f"Le fichier « rapport.pdf » contient {contents}" + ACTIVE_ADVICE]


def test_check_evidence_file_pdf_with_names_only_in_page_text_accepted():
    # Short names inside a stream's bytes (page text, image data) are not dictionary keys.
    page_text = stream(b"BT /F1 12 Tf (voir /JS (x) et /AA << >>) Tj ET")
    content = pdf_with(page=b"/Contents 4 0 R", others=(page_text,))

    assert check_evidence_file(upload("rapport.pdf", content)).kind == "pdf"


def test_check_evidence_file_pdf_with_unreadable_object_stream_refused():
    # What an encrypted (password-protected) PDF's object stream looks like: not zlib data.
    content = pdf_with_object_stream(packed=bytes(range(256)) * 4)

    error = refusal(upload("protege.pdf", content))

    assert error.code == "unverifiable"
    assert error.messages == [
        "Le fichier « protege.pdf » contient des parties que le portail ne peut pas lire pour "
        "les vérifier (document protégé par un mot de passe, ou structure inhabituelle) : il ne "
        "peut pas être accepté. Déposez une version non protégée."
    ]


def test_check_evidence_file_pdf_object_stream_bomb_refused():
    # 60 MB of blanks deflate to ≈ 60 KB: more than 50 MB to inflate is not read.
    objects = zlib.compress(b"1 0\n" + b" " * (60 * MEGABYTE), 9)

    error = refusal(upload("rapport.pdf", pdf_with_object_stream(packed=objects)))

    assert error.code == "too_large_unpacked"
    assert error.messages == [
        "Le fichier « rapport.pdf » contient des données compressées de plus de 50 Mo une fois "
        "décompressées : il ne peut pas être vérifié, ni donc accepté."
    ]


def test_check_evidence_file_pdf_rendered_by_the_portal_accepted():
    """The portal's own PDF/A documents (a past decision filed again) are not active."""
    content = render_pdf_from_string(
        '<h1>Décision</h1><p><a href="https://www.monespacesante.fr/">Mon espace santé</a></p>'
    )

    assert check_evidence_file(upload("decision.pdf", content)).kind == "pdf"


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("macros.docx", lambda: docx_bytes(**{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"})),
        (
            "macros.docx",
            lambda: zip_bytes(
                {
                    "[Content_Types].xml": b'<?xml version="1.0"?><Types><Override '
                    b'PartName="/word/document.xml" ContentType="application/'
                    b'vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
                    "word/document.xml": b"<w:document/>",
                }
            ),
        ),
        (
            "macros.xlsx",
            lambda: zip_bytes(
                {
                    "[Content_Types].xml": b"<Types/>",
                    "xl/workbook.xml": b"<workbook/>",
                    "xl/VBAProject.bin": b"\xd0\xcf\x11\xe0",
                }
            ),
        ),
        (
            "macros.odt",
            lambda: zip_bytes(
                {
                    "mimetype": b"application/vnd.oasis.opendocument.text",
                    "content.xml": b"<office:document-content/>",
                    "Basic/Standard/Module1.xml": b"<script:module/>",
                }
            ),
        ),
    ],
    ids=["docx-vba-part", "docx-declared-macro-enabled", "xlsx-vba-part", "odt-basic"],
)
def test_check_evidence_file_office_document_with_macros_refused(name, build):
    error = refusal(upload(name, build()))

    extension = name.rsplit(".", 1)[1]
    assert error.code == "macros"
    assert error.messages == [
        f"Le fichier « {name} » contient des macros : les documents avec macros ne sont pas "
        f"acceptés. Enregistrez-le sans macros, au format .{extension} ordinaire, et "
        "déposez-le à nouveau."
    ]


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
