"""A document published the simplified way (PDSm flux 09, IHE MHD ITI-105): one
`DocumentReference` POSTed with the document inline, in `content.attachment.data` (base64).

Checked: status `current`; subject, author, custodian, date, type and class present, type and
class from their code systems; every content with its document inline (never by URL), valid
base64, a title, a media type of the table and, when given, a format code of JDV_J10 that
agrees with the media type (documents_table.py). Success: 201 and the created resource
(id, meta.versionId 1, meta.lastUpdated), as the FHIR create interaction answers.
"""

import base64
import binascii
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from . import documents_table as table
from .access import as_dict, as_list, codings, designates, text
from .outcome import Findings, IssueType, Verdict, Wording, created, merged, path, refused
from .parsing import NotAResource, load_resource, r4_only_issues, structure_issues

CASE = "documents.simplified_publish"
TYPE = "DocumentReference"


def validate_document_reference(
    data: Any, *, now: datetime | None = None, new_id: Callable[[], str] | None = None
) -> Verdict:
    """Check a DocumentReference (raw body or decoded JSON) and say what the server answers."""
    try:
        document = load_resource(data, TYPE)
    except NotAResource as error:
        return refused([error.issue], case=CASE, status=400)
    issues = merged(
        document_issues(document), r4_only_issues(document, TYPE) + structure_issues(document)
    )
    if issues:
        return refused(issues, case=CASE)
    return created(document, case=CASE, now=now, new_id=new_id)


def document_issues(document: dict[str, Any]) -> Findings:
    found = Findings()
    status = document.get("status")
    if status != table.STATUS:
        found.fail(
            "document.status",
            IssueType.REQUIRED if status is None else IssueType.VALUE,
            "DocumentReference.status",
            _("Le profil de publication simplifiée fixe le statut de la fiche."),
            expected=table.STATUS,
            found=status,
        )
    for element, label in (
        ("subject", _("Le patient concerné (subject) est obligatoire.")),
        ("custodian", _("L'organisation responsable du document (custodian) est obligatoire.")),
    ):
        if not designates(document.get(element)):
            found.fail(
                f"document.{element}",
                IssueType.REQUIRED,
                path(TYPE, element),
                label,
                expected=Wording(_("une référence ou un identifiant")),
                found=None,
            )
    authors = as_list(document.get("author"))
    if not authors:
        found.fail(
            "document.author",
            IssueType.REQUIRED,
            path(TYPE, "author"),
            _("Au moins un auteur du document (author) est obligatoire."),
            expected=Wording(_("une référence ou un identifiant")),
            found=None,
        )
    for position, author in enumerate(authors):
        if not designates(author):
            found.fail(
                "document.author",
                IssueType.REQUIRED,
                path(TYPE, "author", position),
                _("Chaque auteur du document est désigné par une référence ou un identifiant."),
                expected=Wording(_("une référence ou un identifiant")),
                found=None,
            )
    if not text(document.get("date")):
        found.fail(
            "document.date",
            IssueType.REQUIRED,
            path(TYPE, "date"),
            _("La date de la fiche (date) est obligatoire."),
            expected=Wording(_("une date et une heure")),
            found=None,
        )
    _coded(
        found,
        "document.type",
        path(TYPE, "type"),
        document.get("type"),
        table.TYPE_SYSTEMS,
        _("Le type du document (type) est obligatoire, codé en LOINC ou dans TRE_A05."),
    )
    categories = as_list(document.get("category"))
    _coded(
        found,
        "document.class",
        path(TYPE, "category", 0) if categories else path(TYPE, "category"),
        categories[0] if categories else None,
        table.CLASS_SYSTEMS,
        _("La classe du document (category) est obligatoire, codée dans TRE_A03."),
    )
    contents = as_list(document.get("content"))
    if not contents:
        found.fail(
            "document.content",
            IssueType.REQUIRED,
            path(TYPE, "content"),
            _("La fiche porte le document (content)."),
            expected=Wording(_("un contenu")),
            found=None,
        )
    for position, content in enumerate(contents):
        _content(found, path(TYPE, "content", position), as_dict(content))
    return found


def _coded(found: Findings, rule: str, where: str, concept: Any, systems, rule_text: str) -> None:
    coded = [coding for coding in codings(concept) if text(coding.get("code"))]
    if not coded:
        found.fail(rule, IssueType.REQUIRED, where, rule_text, expected=systems, found=None)
        return
    if not any(coding.get("system") in systems for coding in coded):
        found.fail(
            rule,
            IssueType.CODE_INVALID,
            path(where, "coding", 0, "system"),
            rule_text,
            expected=systems,
            found=coded[0].get("system"),
        )


def _content(found: Findings, where: str, content: dict[str, Any]) -> None:
    attachment = content.get("attachment")
    if not isinstance(attachment, dict):
        found.fail(
            "document.attachment",
            IssueType.REQUIRED,
            path(where, "attachment"),
            _("Chaque contenu porte le document (attachment)."),
            expected=Wording(_("un document inclus")),
            found=None,
        )
        return
    at = path(where, "attachment")
    if "url" in attachment:
        found.fail(
            "document.inline",
            IssueType.INVALID,
            path(at, "url"),
            _(
                "En publication simplifiée, le document est inclus dans attachment.data "
                "(base64), jamais désigné par une URL."
            ),
            expected=Wording(_("aucune URL")),
            found=attachment.get("url"),
        )
    data = attachment.get("data")
    if not text(data):
        found.fail(
            "document.data",
            IssueType.REQUIRED,
            path(at, "data"),
            _("Le document est inclus dans attachment.data, encodé en base64."),
            expected=Wording(_("le document en base64")),
            found=None,
        )
    else:
        try:
            base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            found.fail(
                "document.data",
                IssueType.VALUE,
                path(at, "data"),
                _("Le document est inclus dans attachment.data, encodé en base64."),
                expected=Wording(_("du base64 valide")),
                found=data[:40],
            )
    if not text(attachment.get("title")):
        found.fail(
            "document.title",
            IssueType.REQUIRED,
            path(at, "title"),
            _("Le titre du document (attachment.title) est obligatoire."),
            expected=Wording(_("un titre")),
            found=None,
        )
    content_type = attachment.get("contentType")
    media_type = (
        content_type.split(";", 1)[0].strip().lower() if isinstance(content_type, str) else None
    )
    if media_type not in table.CONTENT_TYPES:
        found.fail(
            "document.content-type",
            IssueType.REQUIRED if content_type is None else IssueType.VALUE,
            path(at, "contentType"),
            _("Le type de contenu (attachment.contentType) est pris dans la table du guide."),
            expected=table.CONTENT_TYPES,
            found=content_type,
        )
    if "format" in content:
        _format(found, where, as_dict(content.get("format")), media_type)


def _format(found: Findings, where: str, coding: dict[str, Any], media_type: str | None) -> None:
    at = path(where, "format")
    system, code = coding.get("system"), coding.get("code")
    if not isinstance(system, str) or system not in table.FORMAT_CODES:
        found.fail(
            "document.format",
            IssueType.CODE_INVALID,
            path(at, "system"),
            _(
                "Le format du document est codé dans une terminologie de "
                "JDV_J10-XdsFormatCode-CISIS."
            ),
            expected=tuple(table.FORMAT_CODES),
            found=system,
        )
        return
    allowed = table.FORMAT_CODES[system]
    if not text(code) or (allowed is not None and code not in allowed):
        found.fail(
            "document.format",
            IssueType.CODE_INVALID,
            path(at, "code"),
            _("Le format du document est un code de JDV_J10-XdsFormatCode-CISIS."),
            expected=sorted(allowed) if allowed else Wording(_("un code de cette terminologie")),
            found=code,
        )
        return
    expected = table.FORMAT_BY_CONTENT_TYPE.get(media_type or "")
    if expected is not None and code != expected:
        found.fail(
            "document.format",
            IssueType.CODE_INVALID,
            path(at, "code"),
            _("Le format d'un document %(type)s non CDA est fixé par son type de contenu.")
            % {"type": media_type},
            expected=expected,
            found=code,
        )
