"""Declaring a submitted dossier incomplete, one reason per requirement concerned."""

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from applications.domain.applicability import applicable_requirements
from applications.enums import DossierState

from ..domain.admissibility import dossier_incompleteness_declare
from ..forms import incompleteness_formset
from .common import instructor_dossier
from .requirement_lines import LinesPage, requirement_lines_view

PAGE = LinesPage(
    title=gettext_lazy("Déclarer le dossier incomplet"),
    crumb=gettext_lazy("Déclarer incomplet"),
    unavailable=gettext_lazy(
        "Seul un dossier déposé, pas encore en évaluation, peut être déclaré incomplet."
    ),
    notice=gettext_lazy(
        "Indiquez ce qui manque, exigence par exigence (ou « Général » pour le dossier entier). "
        "Chaque motif figurera sur une ligne de l'historique et du courriel envoyé à l'éditeur, "
        "qui devra compléter puis redéposer son dossier."
    ),
    line_label=gettext_lazy("Motif"),
    submit=gettext_lazy("Confirmer : déclarer le dossier incomplet"),
)


@login_required
@require_http_methods(["GET", "POST"])
def incompleteness_declare(request, pk):
    dossier = instructor_dossier(request, pk)
    formset = incompleteness_formset(
        request.POST or None,
        prefix="motifs",
        form_kwargs={"requirements": applicable_requirements(dossier), "general": True},
    )
    return requirement_lines_view(
        request,
        dossier=dossier,
        formset=formset,
        is_open=dossier.state == DossierState.SUBMITTED,
        page=PAGE,
        act=lambda lines: dossier_incompleteness_declare(
            dossier=dossier, actor=request.user, items=lines
        ),
        success=_("Le dossier %(ref)s est déclaré incomplet ; l'éditeur est prévenu.")
        % {"ref": dossier.reference},
    )
