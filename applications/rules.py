"""Who may do what on a dossier: django-rules predicates, named once, used by the state machine,
the views and the templates alike. Every predicate answers False for a missing object."""

import rules

from portal.accounts.roles import Role
from reviews.rules import is_cleared_expert


def _has_role(role):
    @rules.predicate(name=f"has_role_{role}")
    def predicate(user):
        return bool(user and user.is_authenticated and user.has_role(role))

    return predicate


is_editor = _has_role(Role.EDITOR)
is_instructor = _has_role(Role.INSTRUCTOR)
is_expert = _has_role(Role.EXPERT)
is_commission_member = _has_role(Role.COMMISSION_MEMBER)
is_ministry = _has_role(Role.MINISTRY)
is_admin = _has_role(Role.ADMIN)


@rules.predicate
def is_dossier_organisation_member(user, dossier):
    if dossier is None or not user.is_authenticated:
        return False
    return dossier.service.organisation_id in user_organisation_ids(user)


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


def user_organisation_ids(user) -> frozenset[int]:
    """Organisation ids of the user, memoised on the user object for the request."""
    cached = getattr(user, "_organisation_ids", None)
    if cached is None:
        cached = frozenset(user.memberships.values_list("organisation_id", flat=True))
        user._organisation_ids = cached
    return cached


# Actors of each transition (DOMAIN.md, "The dossier's life").
dossier_editor = is_editor & is_dossier_organisation_member
#: An expert acts on a dossier only once cleared on it (reviews/rules.py says what that means).
dossier_expert = is_expert & is_cleared_expert
dossier_chair = is_commission_member & chairs_dossier_session

can_submit = dossier_editor
can_resubmit = dossier_editor
can_provide_complements = dossier_editor
can_withdraw = dossier_editor
can_declare_incomplete = is_instructor
can_start_evaluation = is_instructor
can_request_complements = is_instructor | dossier_expert
can_complete_evaluation = is_instructor
can_schedule = is_instructor
can_record_opinion = dossier_chair
can_lift_reservations = is_instructor
can_decide = is_ministry
can_publish = is_admin
can_suspend = is_admin
can_reinstate = is_admin
can_dereference = is_ministry | is_admin

rules.add_perm("applications.create_organisation", is_editor)

#: States in which the editor may change answers and evidence.
EDITABLE_STATES = ("draft", "incomplete", "complements_requested")


@rules.predicate
def is_in_editable_state(user, dossier):
    return dossier is not None and dossier.state in EDITABLE_STATES


can_edit_questionnaire = dossier_editor & is_in_editable_state
