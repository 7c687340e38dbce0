"""Evidence files attached to a candidate dossier: what we accept, checked on content, safe names.

Pure functions, no database. A form or a service calls `check_evidence_file()` on each upload and
keeps the returned `CheckedFile` (clean name, detected kind and content type), never what the
browser claimed.

The type is read from the file's first bytes. Office documents (ODT, DOCX, XLSX) are ZIP files:
`zipfile` reads their directory from the end of the upload without loading the file, and only the
few bytes of an ODT's `mimetype` entry and at most 1 MB of a DOCX's `[Content_Types].xml` are
ever decompressed; an archive is refused, with its real reason, when it holds too many entries,
declares too much once unpacked, or an entry compressed beyond any document's ratio. The extension
must agree with the content, so that the file opens in the program its name promises. Active
content is refused (see `evidence_active_content`): JavaScript, actions run on opening, launched
programs, attached files… in a PDF; macros in an office document.
"""

import math
import zipfile
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import evidence_active_content as active
from .evidence_names import display_name, name_extension, sanitize_filename

MEGABYTE = 1024 * 1024
MAX_EVIDENCE_BYTES = 20 * MEGABYTE
# What an office document may declare once unpacked, and how many entries it may hold: beyond,
# it is a ZIP bomb, not a report.
MAX_UNPACKED_BYTES = 200 * MEGABYTE
MAX_ZIP_ENTRIES = 10_000
# An entry of more than 100 KB unpacked may not be more than 100 times its compressed size: Apache
# POI's defaults (ZipSecureFile), which real office documents stay well within.
MAX_COMPRESSION_RATIO = 100
COMPRESSION_RATIO_GRACE_BYTES = 100 * 1024


class EvidenceKind(NamedTuple):
    label: str
    content_type: str
    extensions: tuple[str, ...]


ALLOWED_KINDS: MappingProxyType[str, EvidenceKind] = MappingProxyType(
    {
        "pdf": EvidenceKind(gettext_lazy("Document PDF"), "application/pdf", (".pdf",)),
        "png": EvidenceKind(gettext_lazy("Image PNG"), "image/png", (".png",)),
        "jpeg": EvidenceKind(gettext_lazy("Image JPEG"), "image/jpeg", (".jpg", ".jpeg")),
        "odt": EvidenceKind(
            gettext_lazy("Document texte OpenDocument (ODT)"),
            "application/vnd.oasis.opendocument.text",
            (".odt",),
        ),
        "docx": EvidenceKind(
            gettext_lazy("Document Word (DOCX)"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
        ),
        "xlsx": EvidenceKind(
            gettext_lazy("Classeur Excel (XLSX)"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
        ),
    }
)

# The same kinds inside a sentence (« est en réalité une image PNG »), with their article.
_KIND_IN_SENTENCE = {
    "pdf": gettext_lazy("un document PDF"),
    "png": gettext_lazy("une image PNG"),
    "jpeg": gettext_lazy("une image JPEG"),
    "odt": gettext_lazy("un document texte OpenDocument (ODT)"),
    "docx": gettext_lazy("un document Word (DOCX)"),
    "xlsx": gettext_lazy("un classeur Excel (XLSX)"),
}

_PDF_MAGIC = b"%PDF-"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"
_ZIP_MAGIC = b"PK\x03\x04"
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# Everything zipfile may raise on a damaged or unsupported archive (encrypted entries raise
# RuntimeError, unknown compression methods NotImplementedError).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    OSError,
    RuntimeError,
    NotImplementedError,
    ValueError,
)


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: str
    content_type: str
    size: int


def accepted_extensions_html_attribute() -> str:
    """The `accept` attribute of an `<input type="file">`: ".pdf,.png,.jpg,.jpeg,…"."""
    return ",".join(ext for kind in ALLOWED_KINDS.values() for ext in kind.extensions)


def check_evidence_file(uploaded) -> CheckedFile:
    """Check an uploaded evidence file on its size and content; raise ValidationError if refused.

    `uploaded` is a Django UploadedFile (or any object with `name`, `seek`, `read`, `tell` and,
    ideally, `size`). Its position is 0 when this returns or raises. Error codes: "empty",
    "too_large", "type", "extension_mismatch", "corrupt"; for archives "too_many_entries",
    "too_large_unpacked", "compression_ratio", "macros"; for PDFs "active_content",
    "unverifiable" and "too_large_unpacked"."""
    raw_name = getattr(uploaded, "name", None) or ""
    params = {"name": display_name(raw_name)}
    try:
        size = _size_of(uploaded)
        if size == 0:
            raise ValidationError(
                _("Le fichier « %(name)s » est vide."), code="empty", params=params
            )
        if size > MAX_EVIDENCE_BYTES:
            raise ValidationError(
                _(
                    "Le fichier « %(name)s » dépasse la taille maximale de %(max)s Mo "
                    "(il fait %(size)s Mo)."
                ),
                code="too_large",
                params={**params, "max": MAX_EVIDENCE_BYTES // MEGABYTE, "size": _megabytes(size)},
            )
        uploaded.seek(0)
        kind = _detect_kind(uploaded, params)
    finally:
        uploaded.seek(0)

    extension = name_extension(raw_name)
    dotted = f".{extension}" if extension else ""
    if kind is None:
        raise _type_error(dotted, params)
    if dotted not in ALLOWED_KINDS[kind].extensions:
        raise _mismatch_error(kind, dotted, params)
    return CheckedFile(
        name=sanitize_filename(raw_name, extension),
        kind=kind,
        content_type=ALLOWED_KINDS[kind].content_type,
        size=size,
    )


# --- Content ------------------------------------------------------------------------------------


def _size_of(uploaded) -> int:
    size = getattr(uploaded, "size", None)
    if size is None:
        uploaded.seek(0, 2)
        size = uploaded.tell()
    return size


def _detect_kind(uploaded, params: dict) -> str | None:
    head = uploaded.read(len(_PNG_MAGIC))
    if head.startswith(_PDF_MAGIC):
        uploaded.seek(0)
        _check_pdf(uploaded.read(), params)
        return "pdf"
    if head.startswith(_PNG_MAGIC):
        return "png"
    if head.startswith(_JPEG_MAGIC):
        return "jpeg"
    if head.startswith(_ZIP_MAGIC):
        uploaded.seek(0)
        return _office_kind(uploaded, params)
    return None


def _office_kind(uploaded, params: dict) -> str | None:
    """The kind of an office document ("odt", "docx" or "xlsx"), None for any other ZIP file."""
    try:
        with zipfile.ZipFile(uploaded) as archive:
            entries = archive.infolist()
            _check_archive_limits(entries, params)
            kind = _office_kind_of(archive, {entry.filename for entry in entries})
            if kind is not None and active.office_has_macros(archive, kind):
                raise ValidationError(
                    _(
                        "Le fichier « %(name)s » contient des macros : les documents avec "
                        "macros ne sont pas acceptés. Enregistrez-le sans macros, au format "
                        "%(extension)s ordinaire, et déposez-le à nouveau."
                    ),
                    code="macros",
                    params={**params, "extension": ALLOWED_KINDS[kind].extensions[0]},
                )
            return kind
    except _ZIP_ERRORS as exc:
        raise ValidationError(
            _("Le fichier « %(name)s » est endommagé : il ne peut pas être lu."),
            code="corrupt",
            params=params,
        ) from exc


def _office_kind_of(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    if "mimetype" in names:
        with archive.open("mimetype") as entry:
            # One byte more than expected tells "exactly" from "starts with".
            mimetype = entry.read(len(_ODT_MIMETYPE) + 1)
        return "odt" if mimetype == _ODT_MIMETYPE else None
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def _check_archive_limits(entries: list[zipfile.ZipInfo], params: dict) -> None:
    """Refuse a ZIP bomb, saying which of its declarations gives it away."""
    if len(entries) > MAX_ZIP_ENTRIES:
        raise ValidationError(
            _(
                "Le fichier « %(name)s » contient trop d'éléments (%(count)s, pour %(max)s au "
                "plus) : ce n'est pas un document ordinaire, il ne peut pas être accepté."
            ),
            code="too_many_entries",
            params={
                **params,
                "count": number_format(len(entries), force_grouping=True),
                "max": number_format(MAX_ZIP_ENTRIES, force_grouping=True),
            },
        )
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise ValidationError(
            _(
                "Le fichier « %(name)s » est trop volumineux une fois décompressé "
                "(plus de %(max)s Mo) : il ne peut pas être accepté."
            ),
            code="too_large_unpacked",
            params={**params, "max": MAX_UNPACKED_BYTES // MEGABYTE},
        )
    for entry in entries:
        if (
            entry.file_size > COMPRESSION_RATIO_GRACE_BYTES
            and entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1)
        ):
            raise ValidationError(
                _(
                    "Le fichier « %(name)s » contient un élément compressé de façon anormale "
                    "(plus de %(max)s fois plus gros une fois décompressé) : c'est le signe "
                    "d'une « bombe de décompression », il ne peut pas être accepté."
                ),
                code="compression_ratio",
                params={**params, "max": MAX_COMPRESSION_RATIO},
            )


# The contents of an active PDF, in a sentence (« contient du code JavaScript et des fichiers
# joints »).
_ACTIVE_CONTENT_IN_SENTENCE = {
    active.JAVASCRIPT: gettext_lazy("du code JavaScript"),
    active.LAUNCH: gettext_lazy("une action qui lance un programme ou ouvre un fichier"),
    active.AUTOMATIC_ACTION: gettext_lazy(
        "des actions déclenchées automatiquement (à l'ouverture ou à la consultation)"
    ),
    active.EMBEDDED_FILE: gettext_lazy("des fichiers joints"),
    active.RICH_MEDIA: gettext_lazy("des contenus multimédias interactifs"),
    active.XFA: gettext_lazy("un formulaire dynamique (XFA)"),
}


def _check_pdf(data: bytes, params: dict) -> None:
    """Refuse a PDF that would run or open something by itself, or that cannot be checked."""
    try:
        reasons = active.pdf_active_content(data)
    except active.TooMuchToInflate as exc:
        raise ValidationError(
            _(
                "Le fichier « %(name)s » contient des données compressées de plus de %(max)s Mo "
                "une fois décompressées : il ne peut pas être vérifié, ni donc accepté."
            ),
            code="too_large_unpacked",
            params={**params, "max": active.MAX_INFLATED_BYTES // MEGABYTE},
        ) from exc
    except active.Unverifiable as exc:
        raise ValidationError(
            _(
                "Le fichier « %(name)s » contient des parties que le portail ne peut pas lire "
                "pour les vérifier (document protégé par un mot de passe, ou structure "
                "inhabituelle) : il ne peut pas être accepté. Déposez une version non protégée."
            ),
            code="unverifiable",
            params=params,
        ) from exc
    if reasons:
        contents = [str(_ACTIVE_CONTENT_IN_SENTENCE[r]) for r in active.REASONS if r in reasons]
        raise ValidationError(
            _(
                "Le fichier « %(name)s » contient %(contents)s : les PDF à contenu actif ne sont "
                "pas acceptés. Déposez une version sans contenu actif (par exemple en "
                "l'imprimant au format PDF)."
            ),
            code="active_content",
            params={**params, "contents": get_text_list(contents, _("et"))},
        )


def _type_error(dotted: str, params: dict) -> ValidationError:
    accepted = get_text_list([kind.upper() for kind in ALLOWED_KINDS], _("ou"))
    claimed = _kind_of_extension(dotted)
    if claimed is None:
        return ValidationError(
            _("Le fichier « %(name)s » n'est pas d'un type accepté (%(accepted)s)."),
            code="type",
            params={**params, "accepted": accepted},
        )
    return ValidationError(
        _(
            "Le fichier « %(name)s » n'est pas %(claimed)s valide, malgré son extension : "
            "seuls les types %(accepted)s sont acceptés."
        ),
        code="type",
        params={**params, "claimed": _KIND_IN_SENTENCE[claimed], "accepted": accepted},
    )


def _mismatch_error(kind: str, dotted: str, params: dict) -> ValidationError:
    params = {**params, "actual": _KIND_IN_SENTENCE[kind]}
    if _kind_of_extension(dotted) is not None:
        return ValidationError(
            _(
                "Le fichier « %(name)s » est en réalité %(actual)s : renommez-le ou déposez le "
                "bon fichier."
            ),
            code="extension_mismatch",
            params=params,
        )
    return ValidationError(
        _(
            "Le fichier « %(name)s » est %(actual)s, mais son nom ne se termine pas par "
            "%(expected)s : renommez-le ou déposez le bon fichier."
        ),
        code="extension_mismatch",
        params={**params, "expected": get_text_list(ALLOWED_KINDS[kind].extensions, _("ou"))},
    )


def _kind_of_extension(dotted: str) -> str | None:
    for kind, info in ALLOWED_KINDS.items():
        if dotted in info.extensions:
            return kind
    return None


def _megabytes(size: int) -> str:
    """Rounded up, so that 20 Mo and one byte never reads "20,0 Mo"."""
    return number_format(math.ceil(size * 10 / MEGABYTE) / 10, decimal_pos=1)
