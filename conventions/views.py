"""The convention of a dossier: its page, drawing it up, its document (downloaded through a
permission check, never from a public URL), and the two signatures, each confirmed on a second
page before it is made (it is irreversible).

A dossier or convention the user may not see answers 404; an action they may not take, 403; a
refusal of the service, its French reason with its status (400, 409, 503) and nothing written."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.domain.exceptions import TransitionError
from applications.domain.queries import dossiers_visible_to
from portal.files import private_file_response

from . import rules as r
from .domain.queries import convention_page
from .domain.services import convention_draw_up
from .domain.signatures import convention_accept, convention_countersign, editor_statement
from .forms import AcceptForm, CountersignForm
from .models import Convention

#: The title printed under an administrator's countersignature when their account has none.
DEFAULT_ADMINISTRATION_TITLE = "Administrateur du référencement, par délégation du ministre"


def _visible_dossier(request, dossier_pk):
    dossier = get_object_or_404(
        dossiers_visible_to(request.user).select_related("service__organisation"), pk=dossier_pk
    )
    if not r.can_view_dossier_convention.test(request.user, dossier):
        raise Http404
    return dossier


def _visible_convention(request, pk) -> Convention:
    convention = get_object_or_404(
        Convention.objects.filter(dossier__in=dossiers_visible_to(request.user)).select_related(
            "dossier__service__organisation", "decision"
        ),
        pk=pk,
    )
    if not r.can_view.test(request.user, convention):
        raise Http404
    return convention


def _detail(request, dossier, *, error=None, status=200):
    page = convention_page(dossier=dossier, user=request.user)
    response = render(
        request,
        "conventions/convention/detail.html",
        {"page": page, "dossier": dossier, "convention": page.convention, "error": error},
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def convention_detail(request, dossier_pk):
    return _detail(request, _visible_dossier(request, dossier_pk))


@login_required
@require_POST
def convention_draw_up_view(request, dossier_pk):
    dossier = _visible_dossier(request, dossier_pk)
    if not r.can_draw_up.test(request.user, dossier):
        raise PermissionDenied(_("Seul un administrateur peut établir la convention."))
    try:
        convention = convention_draw_up(dossier=dossier, actor=request.user)
    except TransitionError as exc:
        return _detail(request, dossier, error=str(exc), status=exc.status_code)
    messages.success(
        request,
        _("La convention n° %(number)s est établie ; son document est en cours de génération.")
        % {"number": convention.number},
    )
    return redirect("conventions:convention-detail", dossier_pk=dossier.pk)


@login_required
@require_GET
def convention_download(request, pk):
    convention = _visible_convention(request, pk)
    document = convention.current_file
    if document is None:
        raise Http404
    return private_file_response(
        document, filename=convention.download_filename, content_type="application/pdf"
    )


@login_required
@require_GET
def convention_document(request, pk):
    """The document's block of the convention page (htmx polls it while the PDF is pending)."""
    convention = _visible_convention(request, pk)
    response = render(request, "conventions/_document.html", {"convention": convention})
    response["Cache-Control"] = "private, no-store"
    return response


@dataclass(frozen=True)
class Signature:
    """What differs between the editor's signature and the administration's."""

    form: type
    service: object
    may: object  # the rules predicate (user, convention)
    awaited: str  # the convention's property that says this signature is the one expected
    title: str
    done: str

    def available(self, convention) -> bool:
        return getattr(convention, self.awaited)


SIGNATURES = {
    "accept": Signature(
        form=AcceptForm,
        service=convention_accept,
        may=r.can_accept,
        awaited="awaits_editor",
        title=gettext_lazy("Signer la convention pour l'éditeur"),
        done=gettext_lazy(
            "Vous avez signé la convention ; l'administration va la contresigner. Vous en serez "
            "informé par courriel."
        ),
    ),
    "countersign": Signature(
        form=CountersignForm,
        service=convention_countersign,
        may=r.can_countersign,
        awaited="awaits_administration",
        title=gettext_lazy("Contresigner la convention pour l'administration"),
        done=gettext_lazy(
            "La convention est signée par les deux parties : le service peut être publié."
        ),
    ),
}


def _initial(user, convention, kind) -> dict:
    title = (getattr(user, "job_title", "") or "").strip()
    if kind == "countersign" and not title:
        title = DEFAULT_ADMINISTRATION_TITLE
    return {
        "signatory_name": user.get_full_name().strip(),
        "signatory_title": title,
        "seen_sha256": convention.current_sha256,
    }


def _signature_view(request, pk, kind):
    convention = _visible_convention(request, pk)
    spec = SIGNATURES[kind]
    if not spec.may.test(request.user, convention):
        raise PermissionDenied(str(spec.title))
    dossier = convention.dossier
    if request.method == "GET" and not spec.available(convention):
        messages.info(request, _("Cette signature n'est pas attendue de vous pour le moment."))
        return redirect("conventions:convention-detail", dossier_pk=dossier.pk)
    extra = {"statement": editor_statement(convention)} if kind == "accept" else {}
    form = spec.form(
        request.POST or None, initial=_initial(request.user, convention, kind), **extra
    )
    context = {
        "convention": convention,
        "dossier": dossier,
        "form": form,
        "spec": spec,
        "kind": kind,
    }
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif not form.is_confirmed:
            return render(request, "conventions/convention/confirm.html", context)
        else:
            try:
                spec.service(convention=convention, actor=request.user, **form.service_kwargs())
            except TransitionError as exc:
                form.add_error(None, str(exc))
                status = exc.status_code
            else:
                messages.success(request, str(spec.done))
                return redirect("conventions:convention-detail", dossier_pk=dossier.pk)
    return render(request, "conventions/convention/sign.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def convention_accept_view(request, pk):
    return _signature_view(request, pk, "accept")


@login_required
@require_http_methods(["GET", "POST"])
def convention_countersign_view(request, pk):
    return _signature_view(request, pk, "countersign")
