"""Who may do what with a declared change: django-rules predicates, named once, used by the
services, the views and the templates alike. Every predicate answers False for a missing object.

- The dossier's editor (editor role, member of its organisation) declares a change on a
  published dossier, reads its declarations and the requests sent to it, and answers them;
- the instruction team qualifies a declaration once sent, and asks the editor to declare a
  change found unannounced; the ministry and the administration read them; the experts of a
  partial re-evaluation read the declaration it is about.

A declaration one may not see answers 404 (`can_view_declaration`); an action one may not take,
403.
"""

import rules

from applications.enums import DossierState
from applications.rules import (
    dossier_editor,
    is_admin,
    is_editor,
    is_instructor,
    is_ministry,
    user_organisation_ids,
)

from .enums import ChangeState, RequestState


@rules.predicate
def is_dossier_published(user, dossier):
    return dossier is not None and dossier.state == DossierState.PUBLISHED


@rules.predicate
def is_declaration_organisation_member(user, declaration):
    if declaration is None or not user.is_authenticated:
        return False
    return declaration.dossier.service.organisation_id in user_organisation_ids(user)


@rules.predicate
def is_declaration_draft(user, declaration):
    return declaration is not None and declaration.state == ChangeState.DRAFT


@rules.predicate
def is_declaration_sent(user, declaration):
    return declaration is not None and declaration.state != ChangeState.DRAFT


@rules.predicate
def is_declaration_to_qualify(user, declaration):
    return declaration is not None and declaration.state == ChangeState.DECLARED


@rules.predicate
def is_request_organisation_member(user, change_request):
    if change_request is None or not user.is_authenticated:
        return False
    return change_request.dossier.service.organisation_id in user_organisation_ids(user)


@rules.predicate
def is_request_open(user, change_request):
    return change_request is not None and change_request.state == RequestState.OPEN


@rules.predicate
def is_partial_review_expert(user, declaration):
    if declaration is None or not user.is_authenticated:
        return False
    return declaration.partial_reviews.filter(assignment__expert=user).exists()


change_staff = is_instructor | is_ministry | is_admin
declaration_editor = is_editor & is_declaration_organisation_member

#: On a dossier.
can_declare_change = dossier_editor & is_dossier_published
can_request_declaration = is_instructor & is_dossier_published
can_see_dossier_changes = change_staff | dossier_editor

#: On a declaration: its editor sees its drafts and what it sent; the staff what was sent.
can_view_declaration = (
    declaration_editor | (change_staff & is_declaration_sent) | is_partial_review_expert
)
can_send_declaration = declaration_editor & is_declaration_draft
can_discard_declaration = declaration_editor & is_declaration_draft
can_qualify_declaration = is_instructor & is_declaration_to_qualify

#: On a request to declare an unannounced change.
can_view_request = change_staff | (is_editor & is_request_organisation_member)
can_answer_request = is_editor & is_request_organisation_member & is_request_open
