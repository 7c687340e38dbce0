"""The questionnaire pages: navigation by domain, each requirement collapsed until opened (its
form loaded then, htmx), answers saved as one goes, and the list of what is still missing (the
evidence files and the dossier's document library: `documents`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from portal.accounts.roles import Role

from ..domain.completeness import dossier_completeness
from ..domain.queries import dossiers_visible_to, visible_other_than_as_expert
from ..domain.questionnaire import AnswerConflict, answer_save
from ..domain.questionnaire_pages import answer_block, questionnaire_page
from ..forms.questionnaire import AnswerForm
from ..models import Requirement


def _dossier(request, pk, *, experts=False):
    """The dossier if the user may see it here; experts reach only the evidence of the domains
    they were cleared on (`experts=True`), through their evaluation screen."""
    queryset = dossiers_visible_to(request.user).select_related(
        "service__organisation", "service__orientation", "referential_version"
    )
    dossier = get_object_or_404(queryset, pk=pk)
    if dossier.referential_version_id is None:
        raise Http404
    # Without the expert role the dossier was found through another role already: the second
    # query would only repeat the first.
    if (
        not experts
        and request.user.has_role(Role.EXPERT)
        and not visible_other_than_as_expert(request.user, dossier)
    ):
        raise Http404
    return dossier


def _requirement(dossier, code):
    return get_object_or_404(
        Requirement.objects.select_related("section"),
        version_id=dossier.referential_version_id,
        code=code,
    )


def _domain_url(dossier, requirement):
    """The questionnaire page of the requirement's domain, with that requirement open."""
    url = reverse("applications:questionnaire-domain", args=[dossier.pk, requirement.domain])
    return f"{url}?{urlencode({'exigence': requirement.code})}#exigence-{requirement.code}"


def _render_page(request, page, *, status=200):
    # Every requirement's link is this prefix, its code and a slash: one reverse() for the page
    # rather than one per requirement.
    placeholder = "-"
    url = reverse("applications:requirement-detail", args=[page.dossier.pk, placeholder])
    context = {"page": page, "requirement_url": url.removesuffix(f"{placeholder}/")}
    return render(request, "applications/questionnaire/domain.html", context, status=status)


@login_required
@require_GET
def questionnaire(request, pk, domain=None):
    """One domain's requirements, collapsed; `?exigence=CODE` shows that one open with its form
    (what the requirement's link leads to without JavaScript, and where full-page posts return)."""
    dossier = _dossier(request, pk)
    page = questionnaire_page(
        dossier=dossier, user=request.user, domain=domain, expand=request.GET.get("exigence")
    )
    if page.current is None:
        if domain is not None:
            raise Http404
    elif domain is None:
        return redirect("applications:questionnaire-domain", pk=dossier.pk, domain=page.current)
    return _render_page(request, page)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def requirement_detail(request, pk, code):
    """One requirement opened: for htmx, its form alone, which the questionnaire page loads into
    the requirement when it is opened; otherwise (no JavaScript) the questionnaire page of its
    domain with that requirement open. Seen by exactly those who see the questionnaire."""
    dossier = _dossier(request, pk)
    requirement = _requirement(dossier, code)
    if not request.htmx:
        return redirect(_domain_url(dossier, requirement))
    block = answer_block(dossier=dossier, requirement=requirement, user=request.user)
    return render(request, "applications/questionnaire/_requirement_body.html", {"block": block})


def _render_block(request, dossier, requirement, *, status=200, **extra):
    """The whole answer block (errors, conflicts), swapped in place of the form."""
    block = answer_block(dossier=dossier, requirement=requirement, user=request.user, **extra)
    response = render(
        request, "applications/questionnaire/_answer.html", {"block": block}, status=status
    )
    response["HX-Reswap"] = "outerHTML"
    return response


@login_required
@require_POST
def answer_update(request, pk, code):
    dossier = _dossier(request, pk)
    requirement = _requirement(dossier, code)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            return _render_block(request, dossier, requirement, status=400, errors=form.errors)
        messages.error(request, _("La réponse n'a pas pu être enregistrée : vérifiez la saisie."))
        return redirect(_domain_url(dossier, requirement))
    data = form.cleaned_data
    try:
        answer_save(
            dossier=dossier,
            requirement=requirement,
            actor=request.user,
            status=data["status"],
            justification=data["justification"],
            free_text=data["free_text"],
            expected_version=data["version"],
        )
    except PermissionDenied:
        raise
    except AnswerConflict as conflict:
        if request.htmx:
            return _render_block(
                request, dossier, requirement, status=409, conflict=conflict, mine=data
            )
        messages.error(request, str(conflict))
        return redirect(_domain_url(dossier, requirement))
    except ValidationError as exc:
        if request.htmx:
            return _render_block(
                request, dossier, requirement, status=400, errors={"status": exc.messages}
            )
        messages.error(request, " ".join(exc.messages))
        return redirect(_domain_url(dossier, requirement))
    if request.htmx:
        # Only the version, the gaps and the « Enregistré à » line are swapped (out of band),
        # so that the field being typed in keeps its focus and caret.
        block = answer_block(
            dossier=dossier, requirement=requirement, user=request.user, saved=True
        )
        return render(request, "applications/questionnaire/_answer_saved.html", {"block": block})
    messages.success(request, _("Réponse à l'exigence %(code)s enregistrée.") % {"code": code})
    return redirect(_domain_url(dossier, requirement))


@login_required
@require_GET
def completeness(request, pk):
    dossier = _dossier(request, pk)
    report = dossier_completeness(dossier)
    return render(
        request,
        "applications/questionnaire/completeness.html",
        {"dossier": dossier, "report": report},
    )
