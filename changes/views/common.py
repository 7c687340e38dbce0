"""What the views of declared changes share: 404 for what one may not see, 403 for a refused
move, the reasons of the others."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.formats import date_format

from applications.domain.exceptions import TransitionError, TransitionForbidden
from applications.domain.queries import dossiers_visible_to

from ..domain.queries import declaration_for_page


def reasons_of(exc: TransitionError) -> list[str]:
    if isinstance(exc, TransitionForbidden):
        raise PermissionDenied(str(exc)) from exc
    return getattr(exc, "reasons", None) or [str(exc)]


def visible_dossier(request, pk):
    dossier = (
        dossiers_visible_to(request.user)
        .select_related("service__organisation", "referential_version")
        .filter(pk=pk)
        .first()
    )
    if dossier is None:
        raise Http404
    return dossier


def visible_declaration(request, pk):
    declaration = declaration_for_page(request.user, pk)
    if declaration is None:
        raise Http404
    return declaration


def day_text(day) -> str:
    return date_format(day, "j F Y")
