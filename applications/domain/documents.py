"""The dossier's document library: files uploaded once, each checked on its content, and attached
to as many requirements as they support.

Writes (`<entity>_<verb>`, keyword-only):

- `documents_upload` / `document_upload`: each file checked on its own (a refused one says why,
  the others are kept); the same content (SHA-256) is stored once per dossier: uploading it again
  gives the document already there;
- `evidence_attach` / `evidence_detach` / `document_set_requirements`: the links between a
  document and the requirements it supports;
- `evidence_add`: upload and attach in one go, as a requirement's own upload field does;
- `document_remove`: out of the draft, and off every requirement it supported.

Permissions are the questionnaire's (`_check_can_edit`): the dossier's editor while its state
allows editing, and during complements (or the update of a declared change on a published
dossier: `opened_requirements`) only for the requirements the opening names. Each
write holds the dossier's row lock, as transitions do, so that a filing (which freezes the
evidence under that lock) either sees the change whole or is seen by it (the state, re-read
under the lock, then refuses it). Nothing is ever deleted: links and documents are marked removed,
since the revisions frozen at each filing cite links by id.

Reads, in a fixed number of queries: `library_entries` (the draft's documents with the
requirements each supports, two queries), `filed_library` (the documents as last filed, each
once, three queries), `attachable_documents` (one query) and `document_requirement_choices`
(what applies, read with the dossier's applicability, and the document's links)."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from .. import rules as r
from ..enums import DossierState
from ..evidence_files import check_evidence_file
from ..evidence_names import display_name
from ..models import Document, Dossier, Evidence, Requirement, RevisionAnswer
from .applicability import dossier_applicability
from .questionnaire import (
    _check_can_edit,
    locked_by_complements,
    opened_requirements,
)
from .revisions import latest_revision_number
from .stored_files import content_sha256, document_store

# --- Writes -------------------------------------------------------------------------------------


def _check_library_editable(dossier: Dossier, actor) -> None:
    if not r.can_edit_questionnaire.test(actor, dossier):
        raise PermissionDenied(
            _("Les documents de ce dossier ne peuvent pas être modifiés dans son état actuel.")
        )


def _locked(dossier: Dossier) -> Dossier:
    """The dossier's row, locked until the transaction ends, with its state as it is now."""
    return (
        Dossier.objects.select_for_update(of=("self",)).select_related("service").get(pk=dossier.pk)
    )


def _check_requirement(dossier: Dossier, requirement: Requirement) -> None:
    if requirement.version_id != dossier.referential_version_id:
        raise ValidationError(_("Cette exigence n'appartient pas au référentiel du dossier."))


def _check_not_removed(document: Document) -> None:
    if document.removed_at is not None:
        raise ValidationError(
            _("Le document « %(name)s » a été retiré du dossier.") % {"name": document.name}
        )


@dataclass(frozen=True)
class Upload:
    """What became of one uploaded file: its document (`reused` when the library already had
    that content), or the reason it was refused."""

    name: str
    document: Document | None = None
    reused: bool = False
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.document is not None

    @property
    def message(self) -> str:
        if self.document is None:
            return self.error
        if self.reused:
            return _(
                "« %(name)s » était déjà dans les documents du dossier (« %(existing)s ») : "
                "il n'est pas enregistré une seconde fois."
            ) % {"name": self.name, "existing": self.document.name}
        return _("« %(name)s » est déposé.") % {"name": self.document.name}


def document_upload(*, dossier: Dossier, actor, uploaded) -> tuple[Document, bool]:
    """Check one file on its content and add it to the library: (document, reused). A refused
    file raises ValidationError (its reason) and stores nothing."""
    _check_library_editable(dossier, actor)
    checked = check_evidence_file(uploaded)
    digest = content_sha256(uploaded)
    with transaction.atomic():
        locked = _locked(dossier)
        _check_library_editable(locked, actor)
        document, reused, _new = document_store(
            dossier=locked, actor=actor, uploaded=uploaded, checked=checked, digest=digest
        )
    return document, reused


def documents_upload(*, dossier: Dossier, actor, files: Iterable) -> list[Upload]:
    """Several files, each on its own: what became of each, in order."""
    _check_library_editable(dossier, actor)
    results = []
    for uploaded in files:
        name = display_name(getattr(uploaded, "name", "") or "")
        try:
            document, reused = document_upload(dossier=dossier, actor=actor, uploaded=uploaded)
        except ValidationError as exc:
            results.append(Upload(name, error=" ".join(exc.messages)))
        else:
            results.append(Upload(name, document, reused))
    return results


def _attach(dossier: Dossier, document: Document, requirement: Requirement, actor) -> Evidence:
    current = (
        Evidence.objects.filter(document=document, requirement=requirement, removed_at=None)
        .select_related("document")
        .first()
    )
    if current is not None:
        return current
    return Evidence.objects.create(
        dossier=dossier, document=document, requirement=requirement, attached_by=actor
    )


def evidence_attach(*, document: Document, requirement: Requirement, actor) -> Evidence:
    """Make the document evidence of the requirement (already so: that link)."""
    with transaction.atomic():
        dossier = _locked(document.dossier)
        _check_can_edit(dossier, actor, requirement)
        _check_requirement(dossier, requirement)
        document = Document.objects.get(pk=document.pk)
        _check_not_removed(document)
        return _attach(dossier, document, requirement, actor)


def evidence_add(*, dossier: Dossier, requirement: Requirement, actor, uploaded) -> Evidence:
    """Check a file on its content, add it to the library and attach it to the requirement, in
    one transaction; a rejected file stores nothing."""
    _check_can_edit(dossier, actor, requirement)
    _check_requirement(dossier, requirement)
    checked = check_evidence_file(uploaded)
    digest = content_sha256(uploaded)
    new_file = False
    document = None
    try:
        with transaction.atomic():
            locked = _locked(dossier)
            _check_can_edit(locked, actor, requirement)
            document, _reused, new_file = document_store(
                dossier=locked, actor=actor, uploaded=uploaded, checked=checked, digest=digest
            )
            evidence = _attach(locked, document, requirement, actor)
    except Exception:
        if new_file:
            document.file.delete(save=False)
        raise
    return evidence


def evidence_detach(*, evidence: Evidence, actor) -> None:
    """Take the document off the requirement: it stays in the library, and the link stays for
    the revisions that cite it."""
    with transaction.atomic():
        dossier = _locked(evidence.dossier)
        _check_can_edit(dossier, actor, evidence.requirement)
        Evidence.objects.filter(pk=evidence.pk, removed_at=None).update(
            removed_at=timezone.now(), removed_by=actor
        )


def document_set_requirements(
    *, document: Document, actor, requirements: Iterable[Requirement]
) -> tuple[int, int]:
    """Attach the document to exactly `requirements` (attached, detached): during complements,
    its links to the requirements the request does not ask about stay as they are, and asking
    for a new one of those is refused."""
    requirements = {requirement.pk: requirement for requirement in requirements}
    with transaction.atomic():
        dossier = _locked(document.dossier)
        _check_library_editable(dossier, actor)
        document = Document.objects.get(pk=document.pk)
        _check_not_removed(document)
        for requirement in requirements.values():
            _check_requirement(dossier, requirement)
        questions = opened_requirements(dossier)
        current = {
            link.requirement_id: link
            for link in Evidence.objects.filter(document=document, removed_at=None)
        }
        added = [rq for pk, rq in requirements.items() if pk not in current]
        locked = [rq.code for rq in added if locked_by_complements(questions, rq.pk)]
        if locked:
            if dossier.state == DossierState.PUBLISHED:
                message = _(
                    "Seules les exigences touchées par la modification déclarée à mettre à jour "
                    "sont modifiables (pas %(codes)s)."
                )
            else:
                message = _(
                    "Seules les exigences visées par la demande de compléments sont "
                    "modifiables (pas %(codes)s)."
                )
            raise PermissionDenied(message % {"codes": get_text_list(locked, _("ni"))})
        dropped = [
            link.pk
            for pk, link in current.items()
            if pk not in requirements and not locked_by_complements(questions, pk)
        ]
        Evidence.objects.bulk_create(
            Evidence(dossier=dossier, document=document, requirement=rq, attached_by=actor)
            for rq in added
        )
        Evidence.objects.filter(pk__in=dropped).update(removed_at=timezone.now(), removed_by=actor)
    return len(added), len(dropped)


def document_remove(*, document: Document, actor) -> None:
    """Take the document out of the draft and off every requirement it supports; the file stays
    stored for the revisions that cite it. During complements, refused while it supports a
    requirement the request does not ask about."""
    with transaction.atomic():
        dossier = _locked(document.dossier)
        _check_library_editable(dossier, actor)
        links = list(
            Evidence.objects.filter(document=document, removed_at=None).select_related(
                "requirement"
            )
        )
        questions = opened_requirements(dossier)
        locked = [
            link.requirement.code
            for link in links
            if locked_by_complements(questions, link.requirement_id)
        ]
        if locked and dossier.state == DossierState.PUBLISHED:
            raise PermissionDenied(
                _(
                    "Ce document justifie aussi %(codes)s, que la modification déclarée ne touche "
                    "pas : il ne peut pas être retiré du dossier. Retirez-le seulement des "
                    "exigences touchées par la modification."
                )
                % {"codes": get_text_list(locked, _("et"))}
            )
        if locked:
            raise PermissionDenied(
                _(
                    "Ce document justifie aussi %(codes)s, que la demande de compléments ne vise "
                    "pas : il ne peut pas être retiré du dossier. Retirez-le seulement des "
                    "exigences visées par la demande."
                )
                % {"codes": get_text_list(locked, _("et"))}
            )
        now = timezone.now()
        Evidence.objects.filter(pk__in=[link.pk for link in links]).update(
            removed_at=now, removed_by=actor
        )
        Document.objects.filter(pk=document.pk, removed_at=None).update(
            removed_at=now, removed_by=actor
        )


# --- Reads --------------------------------------------------------------------------------------


@dataclass
class LibraryEntry:
    """A document with the links that make it evidence, in the referential's order."""

    document: Document
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def requirements(self) -> list[Requirement]:
        return [link.requirement for link in self.evidence]


def _entries(links, documents=None) -> list[LibraryEntry]:
    entries: dict[int, LibraryEntry] = {}
    if documents is not None:
        entries = {document.pk: LibraryEntry(document) for document in documents}
    for link in links:
        entry = entries.get(link.document_id)
        if entry is None:
            if documents is not None:
                continue
            entry = entries[link.document_id] = LibraryEntry(link.document)
        link.document = entry.document
        entry.evidence.append(link)
    return list(entries.values())


def library_entries(dossier: Dossier) -> list[LibraryEntry]:
    """The draft's documents, by name, each with the requirements it supports (two queries)."""
    documents = (
        Document.objects.filter(dossier=dossier, removed_at=None)
        .select_related("uploaded_by")
        .order_by("name", "pk")
    )
    links = (
        Evidence.objects.filter(dossier=dossier, removed_at=None)
        .select_related("requirement")
        .order_by("requirement__position", "pk")
    )
    return _entries(links, documents)


@dataclass
class FiledLibrary:
    """The documents of the last filing (revision `number`; 0: never filed)."""

    number: int
    entries: list[LibraryEntry]


def filed_library(dossier: Dossier, *, domains: set[str] | None = None) -> FiledLibrary:
    """The documents as last filed, each once with the requirements it supported then; with
    `domains` (an expert's cleared domains), only what supported requirements of those."""
    number = latest_revision_number(dossier)
    if not number:
        return FiledLibrary(0, [])
    filed = RevisionAnswer.objects.filter(
        revision__dossier=dossier, revision__number=number
    ).values_list("evidence_ids", flat=True)
    ids = {pk for evidence_ids in filed for pk in evidence_ids}
    links = (
        Evidence.objects.filter(dossier=dossier, pk__in=ids)
        .select_related("document__uploaded_by", "requirement")
        .order_by("requirement__position", "pk")
    )
    if domains is not None:
        links = links.filter(requirement__domain__in=domains)
    entries = _entries(links)
    entries.sort(key=lambda entry: (entry.document.name.casefold(), entry.document.pk))
    return FiledLibrary(number, entries)


def attachable_documents(dossier: Dossier, requirement: Requirement) -> list[Document]:
    """The draft's documents not yet attached to the requirement, by name (one query)."""
    attached = Evidence.objects.filter(
        dossier=dossier, requirement=requirement, removed_at=None
    ).values("document_id")
    return list(
        Document.objects.filter(dossier=dossier, removed_at=None)
        .exclude(pk__in=attached)
        .order_by("name", "pk")
    )


@dataclass
class RequirementChoice:
    requirement: Requirement
    checked: bool
    #: During complements, a requirement the request does not ask about: shown, not changeable.
    locked: bool


@dataclass
class SectionChoices:
    code: str
    title: str
    choices: list[RequirementChoice] = field(default_factory=list)


@dataclass
class DomainChoices:
    code: str
    title: str
    sections: list[SectionChoices] = field(default_factory=list)


def document_requirement_choices(document: Document) -> list[DomainChoices]:
    """The requirements that apply to the document's dossier, by domain and section, each
    checked when the document supports it, locked when complements leave it as it is."""
    dossier = document.dossier
    applicability = dossier_applicability(dossier)
    attached = set(
        Evidence.objects.filter(document=document, removed_at=None).values_list(
            "requirement_id", flat=True
        )
    )
    questions = opened_requirements(dossier)
    domains = {d.code: DomainChoices(d.code, d.title) for d in applicability.domains}
    sections: dict[int, SectionChoices] = {}
    for requirement in applicability.requirements:
        section = sections.get(requirement.section_id)
        if section is None:
            section = sections[requirement.section_id] = SectionChoices(
                requirement.section.code, requirement.section.title
            )
            domains[requirement.domain].sections.append(section)
        section.choices.append(
            RequirementChoice(
                requirement,
                checked=requirement.pk in attached,
                locked=locked_by_complements(questions, requirement.pk),
            )
        )
    return [domain for domain in domains.values() if domain.sections]
