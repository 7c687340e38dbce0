"""What of a dossier is open to an expert: the rule, written once and used everywhere.

An expert reaches a dossier only through an `Assignment` (one expert, one domain of one dossier).
From the model (reviews/models/assignment.py):

- an assignment is **active** while it is not released (`released_at` is null). Declaring a
  conflict of interest releases it, and so does replacing the expert: the row stays, for the
  record, but it no longer gives anything;
- an assignment is **cleared** when it is active *and* its expert declared the absence of conflict
  of interest (`conflict_status == NONE`). Nothing else clears it: `PENDING` (the declaration is
  still expected) and `CONFLICT` (which also releases) do not.

An expert, *as an expert*, sees a dossier if and only if they hold a cleared assignment on it,
and within it only the domains of their cleared assignments (the evaluation, the evidence, the
complement questions of those domains). Everything else — a released assignment (conflict
declared, expert replaced) or an active one whose declaration is pending — opens nothing: every
page, fragment and file of the dossier answers 404 (its decision's PDF included), the dossier is
in none of their dossier lists, and no e-mail about it reaches them.

The one thing a pending assignment opens is its own declaration page, which names the service and
its editor (what the expert needs to declare their interests) and nothing else; "Mes évaluations"
lists such an assignment as a declaration to make (`expert_queue_assignments`), not as a dossier.

Another role (instructor, commission member…) may let the same person see the dossier: that is
the other roles' rules, not this one.

Every predicate answers False for a missing object or an anonymous user. django-rules predicates
take at most two arguments, so the rule for one domain, which needs three, is a plain function
with the same contract.
"""

import rules
from django.db.models import QuerySet

from applications.domain.queries import visible_other_than_as_expert
from applications.rules import (
    is_commission_member,
    is_expert,
    is_instructor,
    transition_permission,
)

from .models import Assignment


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def cleared_assignments(user) -> QuerySet[Assignment]:
    """The user's cleared assignments, on every dossier (`AssignmentQuerySet.cleared`)."""
    if not _signed_in(user):
        return Assignment.objects.none()
    return user.assignments.cleared()


def dossier_ids_cleared_for(user) -> QuerySet:
    """The ids of the dossiers open to the user as an expert (a subquery: `pk__in=`)."""
    return cleared_assignments(user).values("dossier_id")


def cleared_domains(user, dossier) -> set[str]:
    """The domains of `dossier` open to the user as an expert (one query)."""
    if dossier is None:
        return set()
    return set(cleared_assignments(user).filter(dossier=dossier).values_list("domain", flat=True))


def cleared_assignment(user, dossier, domain: str) -> Assignment | None:
    """The user's cleared assignment on that domain of the dossier, if any."""
    if dossier is None or not domain:
        return None
    return cleared_assignments(user).filter(dossier=dossier, domain=domain).first()


def cleared_expert_ids(dossier) -> QuerySet:
    """The ids of the experts the dossier is open to (a subquery: `pk__in=`)."""
    return dossier.assignments.cleared().values("expert_id")


def expert_queue_assignments(user) -> QuerySet[Assignment]:
    """What "Mes évaluations" lists: cleared assignments (the work) and those awaiting the
    expert's declaration (the declaration to make); never a released one."""
    if not _signed_in(user):
        return Assignment.objects.none()
    return user.assignments.open_to_expert()


def assignment_awaiting_declaration(user, pk) -> Assignment | None:
    """The user's assignment `pk` if its declaration is still expected: the one thing it opens is
    the declaration page."""
    if not _signed_in(user) or pk is None:
        return None
    return (
        user.assignments.awaiting_declaration()
        .filter(pk=pk)
        .select_related("dossier__service__organisation")
        .first()
    )


@rules.predicate
def is_cleared_expert(user, dossier) -> bool:
    """The dossier is open to the user as an expert (on at least one domain)."""
    if dossier is None or not _signed_in(user):
        return False
    return cleared_assignments(user).filter(dossier=dossier).exists()


def is_cleared_expert_for_domain(user, dossier, domain) -> bool:
    """That domain of the dossier is open to the user as an expert."""
    return cleared_assignment(user, dossier, domain) is not None


def may_see_evidence(user, dossier, evidence) -> bool:
    """Evidence of a dossier the user sees; an expert sees only that of their cleared domains."""
    return visible_other_than_as_expert(user, dossier) or is_cleared_expert_for_domain(
        user, dossier, evidence.requirement.domain
    )


def may_see_document(user, dossier, document) -> bool:
    """A document of the dossier's library, seen as its evidence is: an expert sees it when it
    supports, or supported (revisions cite removed links), a requirement of a cleared domain."""
    if visible_other_than_as_expert(user, dossier):
        return True
    domains = set(document.evidence.values_list("requirement__domain", flat=True))
    return bool(domains & cleared_domains(user, dossier))


@rules.predicate
def sits_on_dossier_session(user, dossier):
    if dossier is None or not user.is_authenticated:
        return False
    return dossier.agenda_items.filter(session__members__user=user).exists()


@rules.predicate
def chairs_dossier_session(user, dossier):
    if dossier is None or not user.is_authenticated:
        return False
    return dossier.agenda_items.filter(
        session__members__user=user, session__members__is_chair=True
    ).exists()


#: An expert acts on a dossier only once cleared on it.
dossier_expert = is_expert & is_cleared_expert
dossier_chair = is_commission_member & chairs_dossier_session

# The transitions whose services live in this app (applications/rules.py says how it works).
can_request_complements = is_instructor | dossier_expert
can_complete_evaluation = is_instructor
can_schedule = is_instructor
can_record_opinion = dossier_chair

rules.add_perm(transition_permission("request_complements"), can_request_complements)
rules.add_perm(transition_permission("complete_evaluation"), can_complete_evaluation)
rules.add_perm(transition_permission("schedule"), can_schedule)
rules.add_perm(transition_permission("record_opinion"), can_record_opinion)
