"""Asking the editor for complements: a question per requirement concerned."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from applications import rules as r
from applications.domain.applicability import applicable_requirements
from applications.domain.queries import visible_other_than_as_expert
from applications.enums import DossierState

from ..domain.complements import complements_request
from ..forms import complements_formset
from ..rules import cleared_domains
from .common import visible_dossier
from .requirement_lines import LinesPage, requirement_lines_view

PAGE = LinesPage(
    title=gettext_lazy("Demander des compléments"),
    crumb=gettext_lazy("Demander des compléments"),
    unavailable=gettext_lazy("Des compléments ne peuvent être demandés que pendant l'évaluation."),
    notice=gettext_lazy(
        "Choisissez chaque exigence sur laquelle vous interrogez l'éditeur et rédigez votre "
        "question. Il ne pourra modifier que les réponses de ces exigences ; l'évaluation "
        "reprendra à réception de ses compléments."
    ),
    line_label=gettext_lazy("Question"),
    submit=gettext_lazy("Envoyer la demande de compléments"),
)


def _askable_requirements(request, dossier):
    """Instructors may ask on any applicable requirement, a cleared expert on their domains."""
    requirements = applicable_requirements(dossier)
    if visible_other_than_as_expert(request.user, dossier):
        if not r.is_instructor.test(request.user):
            raise PermissionDenied
        return requirements
    cleared = cleared_domains(request.user, dossier)
    if not cleared:
        raise Http404
    return [req for req in requirements if req.domain in cleared]


@login_required
@require_http_methods(["GET", "POST"])
def complements_request_view(request, pk):
    dossier = visible_dossier(request, pk)
    requirements = _askable_requirements(request, dossier)
    by_code = {req.code: req for req in requirements}
    asked = by_code.get(request.GET.get("exigence", ""))
    formset = complements_formset(
        request.POST or None,
        prefix="questions",
        form_kwargs={"requirements": requirements, "general": False},
        initial=[{"requirement": str(asked.pk)}] if asked else None,
    )
    return requirement_lines_view(
        request,
        dossier=dossier,
        formset=formset,
        is_open=dossier.state == DossierState.UNDER_EVALUATION,
        page=PAGE,
        act=lambda lines: complements_request(dossier=dossier, actor=request.user, items=lines),
        success=_("Les compléments sont demandés ; l'éditeur est prévenu par courriel."),
    )
