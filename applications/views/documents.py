"""The dossier's document library and the evidence of each requirement.

The library page lists the draft's documents with the requirements each supports; its upload
form takes several files at once (one request without JavaScript; with it,
`static/portal/documents.js` sends each file on its own request, showing its progress, and
answers come back as JSON). A document is attached to requirements from its own page
(`document_requirements`) or from a requirement's evidence block (pick from the library, or
upload there as before). Experts and the team read the documents as last filed, each once
(`document_library_filed`). Files are served only here, after the access checks."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from portal.files import private_file_response
from portal.uploads import answers_request_too_large
from reviews.rules import cleared_domains, may_see_document, may_see_evidence

from .. import rules as r
from ..domain import documents as library
from ..domain.queries import visible_other_than_as_expert
from ..domain.questionnaire_pages import answer_block, questionnaire_page
from ..evidence_files import MAX_EVIDENCE_BYTES, MEGABYTE, accepted_extensions_html_attribute
from ..forms.documents import DocumentRequirementsForm, DocumentUploadForm, EvidenceAttachForm
from ..models import Document, Evidence
from .questionnaire import _domain_url, _dossier, _render_page, _requirement

# --- The library --------------------------------------------------------------------------------


def _wants_json(request) -> bool:
    """The progressive-enhancement script's requests (Accept: application/json only)."""
    return request.accepts("application/json") and not request.accepts("text/html")


def _upload_settings() -> dict:
    return {
        "accept": accepted_extensions_html_attribute(),
        "max_bytes": MAX_EVIDENCE_BYTES,
        "max_megabytes": MAX_EVIDENCE_BYTES // MEGABYTE,
        "request_megabytes": settings.UPLOAD_MAX_REQUEST_BYTES // MEGABYTE,
        "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
    }


def _render_library(request, dossier, *, status=200, errors=(), template="library.html"):
    context = {
        "dossier": dossier,
        "entries": library.library_entries(dossier),
        "editable": r.can_edit_questionnaire.test(request.user, dossier),
        "upload_errors": list(errors),
        **_upload_settings(),
    }
    return render(request, f"applications/documents/{template}", context, status=status)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def document_library(request, pk):
    """Every document of the draft, where it is used, its size, who uploaded it and when; for
    htmx (and the upload script, once its files are sent), the list alone."""
    dossier = _dossier(request, pk)
    template = "_list.html" if request.htmx else "library.html"
    return _render_library(request, dossier, template=template)


def _upload_answer(request, dossier, *, errors, status, results=()):
    if _wants_json(request):
        payload = {
            "results": [
                {"name": upload.name, "ok": upload.ok, "message": upload.message}
                for upload in results
            ],
            "errors": list(errors),
        }
        return JsonResponse(payload, status=status)
    return _render_library(request, dossier, errors=errors, status=status)


@login_required
def document_upload_too_large(request, pk):
    """The answer to an upload whose body is over the cap (portal.uploads): never read, nothing
    stored."""
    dossier = _dossier(request, pk)
    message = _(
        "L'envoi dépasse la taille maximale de %(max)s Mo : aucun fichier n'a été reçu ni "
        "enregistré. Un fichier fait au plus %(file_max)s Mo ; envoyez les fichiers en "
        "plusieurs fois."
    ) % {
        "max": settings.UPLOAD_MAX_REQUEST_BYTES // MEGABYTE,
        "file_max": MAX_EVIDENCE_BYTES // MEGABYTE,
    }
    return _upload_answer(request, dossier, errors=[message], status=413)


@answers_request_too_large(document_upload_too_large)
@login_required
@require_POST
def document_upload(request, pk):
    """Several files at once: each checked on its own, the refused ones said why, the others
    kept."""
    dossier = _dossier(request, pk)
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [str(error) for error in form.errors.get("file", [])]
        return _upload_answer(request, dossier, errors=errors, status=400)
    results = library.documents_upload(
        dossier=dossier, actor=request.user, files=form.cleaned_data["file"]
    )
    refused = [upload.message for upload in results if not upload.ok]
    status = 400 if refused else 200
    if _wants_json(request):
        return _upload_answer(request, dossier, errors=[], status=status, results=results)
    kept = [upload for upload in results if upload.ok]
    if kept:
        names = get_text_list([f"« {upload.name} »" for upload in kept], _("et"))
        messages.success(
            request,
            ngettext("Document déposé : %(names)s.", "Documents déposés : %(names)s.", len(kept))
            % {"names": names},
        )
    for upload in kept:
        if upload.reused:
            messages.info(request, upload.message)
    if refused:
        return _render_library(request, dossier, errors=refused, status=status)
    return redirect("applications:document-library", pk=dossier.pk)


def _document(dossier, document_pk) -> Document:
    return get_object_or_404(
        Document.objects.select_related("uploaded_by"),
        dossier=dossier,
        pk=document_pk,
        removed_at=None,
    )


def _check_editable(request, dossier) -> None:
    if not r.can_edit_questionnaire.test(request.user, dossier):
        raise PermissionDenied(
            _("Les documents de ce dossier ne peuvent pas être modifiés dans son état actuel.")
        )


@login_required
@require_http_methods(["GET", "POST"])
def document_requirements(request, pk, document_pk):
    """Choose the requirements a document supports (all of them at once)."""
    dossier = _dossier(request, pk)
    document = _document(dossier, document_pk)
    _check_editable(request, dossier)
    domains = library.document_requirement_choices(document)
    choices = [c for d in domains for s in d.sections for c in s.choices]
    form = DocumentRequirementsForm(
        request.POST if request.method == "POST" else None,
        codes=[c.requirement.code for c in choices if not c.locked],
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            wanted = set(form.cleaned_data["requirements"])
            library.document_set_requirements(
                document=document,
                actor=request.user,
                requirements=[c.requirement for c in choices if c.requirement.code in wanted],
            )
            messages.success(
                request,
                _("Les exigences du document « %(name)s » sont enregistrées.")
                % {"name": document.name},
            )
            return redirect("applications:document-library", pk=dossier.pk)
        status = 400
    context = {"dossier": dossier, "document": document, "domains": domains, "form": form}
    return render(request, "applications/documents/requirements.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def document_remove(request, pk, document_pk):
    """Take a document out of the draft, after a confirmation."""
    dossier = _dossier(request, pk)
    document = _document(dossier, document_pk)
    _check_editable(request, dossier)
    if request.method == "POST":
        library.document_remove(document=document, actor=request.user)
        messages.success(
            request,
            _("Le document « %(name)s » est retiré du dossier.") % {"name": document.name},
        )
        return redirect("applications:document-library", pk=dossier.pk)
    entry = next(
        (e for e in library.library_entries(dossier) if e.document.pk == document.pk), None
    )
    context = {"dossier": dossier, "entry": entry}
    return render(request, "applications/documents/remove.html", context)


@login_required
@require_GET
def document_download(request, pk, document_pk):
    """A document, as a download, to those who may see it (an expert: when it supports, or
    supported, a requirement of one of their cleared domains)."""
    dossier = _dossier(request, pk, experts=True)
    document = get_object_or_404(Document, dossier=dossier, pk=document_pk)
    if not may_see_document(request.user, dossier, document):
        raise Http404
    return private_file_response(
        document.file, filename=document.name, content_type=document.content_type
    )


@login_required
@require_GET
def document_library_filed(request, pk):
    """Read only: the documents as last filed, each once with the requirements it supported
    then; an expert sees those of the domains they were cleared on."""
    dossier = _dossier(request, pk, experts=True)
    domains = (
        None
        if visible_other_than_as_expert(request.user, dossier)
        else cleared_domains(request.user, dossier)
    )
    context = {
        "dossier": dossier,
        "filed": library.filed_library(dossier, domains=domains),
        "restricted": domains is not None,
    }
    return render(request, "applications/documents/filed.html", context)


# --- The evidence of one requirement ------------------------------------------------------------


def _evidence_refused(request, dossier, requirement, errors, *, status=400, attach=False):
    """The questionnaire again, `errors` next to the requirement's file field (`attach`: its
    library picker); for htmx, the requirement's evidence fragment alone, swapped in place."""
    key = "attach_errors" if attach else "upload_errors"
    if request.htmx:
        block = answer_block(
            dossier=dossier, requirement=requirement, user=request.user, **{key: errors}
        )
        response = render(
            request, "applications/questionnaire/_evidence.html", {"block": block}, status=status
        )
        response["HX-Retarget"] = f"#pieces-{requirement.code}"
        response["HX-Reswap"] = "outerHTML"
        return response
    page = questionnaire_page(
        dossier=dossier, user=request.user, domain=requirement.domain, expand=requirement.code
    )
    if page.expanded is not None:
        setattr(page.expanded, key, errors)
    return _render_page(request, page, status=status)


@login_required
def evidence_upload_too_large(request, pk, code):
    """The answer to an upload whose body is over the cap (portal.uploads): never read, nothing
    stored."""
    dossier = _dossier(request, pk)
    requirement = _requirement(dossier, code)
    message = _(
        "Le fichier envoyé dépasse la taille maximale de %(max)s Mo : il n'a été ni reçu ni "
        "enregistré. Déposez un fichier plus petit."
    ) % {"max": MAX_EVIDENCE_BYTES // MEGABYTE}
    return _evidence_refused(request, dossier, requirement, [message], status=413)


@answers_request_too_large(evidence_upload_too_large)
@login_required
@require_POST
def evidence_upload(request, pk, code):
    """Files uploaded from a requirement's block: into the library, attached to it."""
    dossier = _dossier(request, pk)
    requirement = _requirement(dossier, code)
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [str(error) for error in form.errors.get("file", [])]
        return _evidence_refused(request, dossier, requirement, errors)
    added, errors = [], []
    for uploaded in form.cleaned_data["file"]:
        try:
            evidence = library.evidence_add(
                dossier=dossier, requirement=requirement, actor=request.user, uploaded=uploaded
            )
        except ValidationError as exc:
            errors.append(" ".join(exc.messages))
        else:
            added.append(evidence.name)
    if added:
        messages.success(
            request,
            ngettext(
                "Pièce %(names)s ajoutée à l'exigence %(code)s.",
                "Pièces %(names)s ajoutées à l'exigence %(code)s.",
                len(added),
            )
            % {"names": get_text_list([f"« {name} »" for name in added], _("et")), "code": code},
        )
    if errors:
        return _evidence_refused(request, dossier, requirement, errors)
    return redirect(_domain_url(dossier, requirement))


@login_required
@require_POST
def evidence_attach(request, pk, code):
    """A document of the library attached to the requirement."""
    dossier = _dossier(request, pk)
    requirement = _requirement(dossier, code)
    documents = Document.objects.filter(dossier=dossier, removed_at=None)
    form = EvidenceAttachForm(request.POST, documents=documents)
    if not form.is_valid():
        errors = [str(error) for error in form.errors.get("document", [])]
        return _evidence_refused(request, dossier, requirement, errors, attach=True)
    try:
        evidence = library.evidence_attach(
            document=form.cleaned_data["document"], requirement=requirement, actor=request.user
        )
    except ValidationError as exc:
        return _evidence_refused(request, dossier, requirement, exc.messages, attach=True)
    messages.success(
        request,
        _("Document « %(name)s » joint à l'exigence %(code)s.")
        % {"name": evidence.name, "code": code},
    )
    return redirect(_domain_url(dossier, requirement))


@login_required
@require_POST
def evidence_delete(request, pk, evidence_pk):
    """The document taken off the requirement; it stays in the library."""
    dossier = _dossier(request, pk)
    evidence = get_object_or_404(
        Evidence.objects.select_related("requirement", "dossier", "document"),
        dossier=dossier,
        pk=evidence_pk,
        removed_at__isnull=True,
    )
    library.evidence_detach(evidence=evidence, actor=request.user)
    messages.success(
        request,
        _(
            "Pièce « %(name)s » retirée de l'exigence %(code)s ; elle reste dans les documents "
            "du dossier."
        )
        % {"name": evidence.name, "code": evidence.requirement.code},
    )
    return redirect(_domain_url(dossier, evidence.requirement))


@login_required
@require_GET
def evidence_download(request, pk, evidence_pk):
    """Evidence is private: served only here, to people who may see the dossier, as a download."""
    dossier = _dossier(request, pk, experts=True)
    evidence = get_object_or_404(
        Evidence.objects.select_related("requirement", "document"), dossier=dossier, pk=evidence_pk
    )
    if not may_see_evidence(request.user, dossier, evidence):
        raise Http404
    return private_file_response(
        evidence.file, filename=evidence.name, content_type=evidence.content_type
    )
