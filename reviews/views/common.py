"""What every view of the instruction shares: finding the dossier the way the rules allow."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from applications import rules as r
from applications.domain.queries import dossiers_visible_to, visible_other_than_as_expert
from applications.models import Dossier

PAGE_SIZE = 25


def visible_dossier(request, pk) -> Dossier:
    """The dossier if the user may open it at all; 404 otherwise (never another's data)."""
    dossier = get_object_or_404(
        dossiers_visible_to(request.user).select_related(
            "service__organisation", "referential_version"
        ),
        pk=pk,
    )
    if dossier.referential_version_id is None:
        raise Http404
    return dossier


def instructor_dossier(request, pk) -> Dossier:
    """For the instructors' pages: 404 for an expert who reaches the dossier only through an
    assignment (they see nothing beyond their domains), 403 for anyone else who sees it."""
    dossier = visible_dossier(request, pk)
    if not visible_other_than_as_expert(request.user, dossier):
        raise Http404
    if not r.is_instructor.test(request.user):
        raise PermissionDenied
    return dossier


def require_instructor(request) -> None:
    if not r.is_instructor.test(request.user):
        raise PermissionDenied
