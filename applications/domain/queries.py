"""Reads on dossiers: who sees which ones, and what a user may do on one."""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from portal.accounts.roles import Role

from ..enums import DossierState
from ..guards import condition_reason
from ..models import Dossier
from .workflow import TRANSITIONS

S = DossierState


def visibility_by_role(user) -> dict[str, Q]:
    """One filter per role the user holds: the dossiers that role lets them see.

    Built from the user's relations (memberships, assignments, commission seats), so that the
    rule of each is the one its model's queryset states: an expert's is
    `AssignmentQuerySet.cleared()` (reviews/rules.py explains it)."""
    filters = {}
    if user.has_role(Role.EDITOR):
        # The memberships the rules read too (once per request), rather than a subquery.
        filters[Role.EDITOR] = Q(service__organisation_id__in=user.organisation_ids)
    if user.has_role(Role.INSTRUCTOR):
        filters[Role.INSTRUCTOR] = ~Q(state=S.DRAFT)
    if user.has_role(Role.EXPERT):
        # Only through a cleared assignment: never a released one, nor one awaiting the
        # expert's declaration of interests.
        filters[Role.EXPERT] = Q(pk__in=user.assignments.cleared().values("dossier_id"))
    if user.has_role(Role.COMMISSION_MEMBER):
        filters[Role.COMMISSION_MEMBER] = Q(
            pk__in=user.commission_seats.values("session__agenda_items__dossier_id")
        )
    if user.has_role(Role.MINISTRY):
        filters[Role.MINISTRY] = Q(state__in=S.seen_by_ministry())
    if user.has_role(Role.ADMIN):
        filters[Role.ADMIN] = ~Q(state=S.DRAFT)
    return filters


def visible_other_than_as_expert(user, dossier) -> bool:
    """Whether a role other than expert lets the user see the dossier (experts see only their
    cleared domains of it)."""
    filters = [q for role, q in visibility_by_role(user).items() if role != Role.EXPERT]
    if not filters:
        return False
    combined = filters[0]
    for extra in filters[1:]:
        combined |= extra
    return Dossier.objects.filter(combined, pk=dossier.pk).exists()


def dossiers_for_list(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("service__organisation").order_by("-updated_at", "-pk")


def dossiers_visible_to(user) -> QuerySet[Dossier]:
    """Every dossier the user may open; any other answers 404."""
    if not user.is_authenticated or not user.is_active:
        return Dossier.objects.none()
    filters = list(visibility_by_role(user).values())
    if not filters:
        return Dossier.objects.none()
    combined = filters[0]
    for extra in filters[1:]:
        combined |= extra
    return Dossier.objects.filter(combined)


def dossiers_for_role(user, role: str) -> QuerySet[Dossier]:
    condition = visibility_by_role(user).get(role)
    if condition is None:
        return Dossier.objects.none()
    return dossiers_for_list(Dossier.objects.filter(condition))


@dataclass
class Action:
    """A transition the user holds the right to take, and why it is blocked if it is."""

    name: str
    label: str
    reasons: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.reasons


def dossier_actions(*, dossier: Dossier, user) -> list[Action]:
    """Transitions from the current state that `user` is entitled to, each with its blockers."""
    actions = []
    state_field = Dossier._meta.get_field("state")
    for transition in state_field.get_all_transitions(Dossier):
        if transition.source != dossier.state and transition.source != "*":
            continue
        if not transition.has_perm(dossier, user):
            continue
        reasons = [
            reason
            for condition in transition.conditions
            if (reason := condition_reason(condition, dossier))
        ]
        actions.append(Action(transition.name, TRANSITIONS[transition.name].label, reasons))
    return sorted(actions, key=lambda a: TRANSITIONS[a.name].order)
