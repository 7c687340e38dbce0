"""Who may do what on a dossier: django-rules predicates, named once, used by the state machine,
the views and the templates alike. Every predicate answers False for a missing object.

Each transition's permission is registered under a name, `applications.<transition>_dossier`,
which the state machine (applications/models/dossier.py) resolves through django-rules. The
name is registered by the app whose service carries the transition out: here the editor's, the
instructor's and the administration's; reviews/rules.py those of the evaluation and the
commission; decisions/rules.py the ministry's decision. The role predicates live in
portal/accounts/rules.py; the expert's rule in reviews/rules.py.
"""

import rules

from portal.accounts.rules import (
    is_admin,
    is_commission_member,
    is_editor,
    is_expert,
    is_instructor,
    is_ministry,
)

from .enums import DossierState
from .models.dossier import transition_permission

__all__ = [
    "is_admin",
    "is_commission_member",
    "is_editor",
    "is_expert",
    "is_instructor",
    "is_ministry",
    "transition_permission",
]


@rules.predicate
def is_dossier_organisation_member(user, dossier):
    if dossier is None or not user.is_authenticated:
        return False
    return dossier.service.organisation_id in user_organisation_ids(user)


def user_organisation_ids(user) -> frozenset[int]:
    """Organisation ids of the user, memoised on the user object for the request."""
    return user.organisation_ids


@rules.predicate
def is_in_editable_state(user, dossier):
    return dossier is not None and DossierState(dossier.state).is_editable


#: changes.enums.ChangeState.PARTIAL_REVIEW, which this app may not import (the changes app is
#: higher); tests/changes/test_update_step.py checks that the two agree.
CHANGE_UPDATE_STATE = "partial_review"


def change_updates_open(dossier):
    """The declared changes of the dossier that wait for the editor's update: qualified for a
    partial re-evaluation, the update not sent yet (changes/domain/updates.py). Read through the
    dossier's relation, as the guards read the reviews app's data."""
    return dossier.change_declarations.filter(
        state=CHANGE_UPDATE_STATE, update_sent_at__isnull=True
    )


@rules.predicate
def is_open_for_change_update(user, dossier):
    """A published dossier whose declared change waits for the editor's update: its
    questionnaire opens, for the requirements the change touches only
    (applications/domain/questionnaire.py, `opened_requirements`). One query, published only."""
    return (
        dossier is not None
        and dossier.state == DossierState.PUBLISHED
        and change_updates_open(dossier).exists()
    )


# Actors of each transition (DOMAIN.md, "The dossier's life").
dossier_editor = is_editor & is_dossier_organisation_member

can_submit = dossier_editor
can_resubmit = dossier_editor
can_provide_complements = dossier_editor
can_withdraw = dossier_editor
can_declare_incomplete = is_instructor
can_start_evaluation = is_instructor
can_lift_reservations = is_instructor
can_publish = is_admin
can_reinstate = is_admin
can_dereference = is_ministry | is_admin

can_edit_questionnaire = dossier_editor & (is_in_editable_state | is_open_for_change_update)

rules.add_perm("applications.create_organisation", is_editor)
for _name, _predicate in {
    "submit": can_submit,
    "resubmit": can_resubmit,
    "provide_complements": can_provide_complements,
    "withdraw": can_withdraw,
    "declare_incomplete": can_declare_incomplete,
    "start_evaluation": can_start_evaluation,
    "lift_reservations": can_lift_reservations,
    "publish": can_publish,
    "reinstate": can_reinstate,
    "dereference": can_dereference,
}.items():
    rules.add_perm(transition_permission(_name), _predicate)
