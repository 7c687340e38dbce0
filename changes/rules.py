"""Who may do what with a declared change: django-rules predicates, named once, used by the
services, the views and the templates alike. Every predicate answers False for a missing object.

- The dossier's editor (editor role, member of its organisation) declares a change on a
  published dossier, reads its declarations and the requests sent to it, and answers them;
- for a partial re-evaluation, the editor updates the touched requirements and sends the update
  (`can_send_update`);
- the instruction team qualifies a declaration once sent, and asks the editor to declare a
  change found unannounced; the ministry and the administration read them; the experts of a
  partial re-evaluation read the declaration it is about, once they declared no conflict of
  interest, and evaluate their domain of it (`can_evaluate_partial_review`).

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
def is_update_awaited(user, declaration):
    """A partial re-evaluation whose editor's update is not sent yet (the questionnaire of the
    published dossier is open on the touched requirements: applications.rules
    `is_open_for_change_update`)."""
    return (
        declaration is not None
        and declaration.state == ChangeState.PARTIAL_REVIEW
        and declaration.update_sent_at is None
    )


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
    """The user evaluates one of the declaration's domains now and declared no conflict of
    interest (a replacement expert sees nothing before that declaration)."""
    if declaration is None or not user.is_authenticated:
        return False
    return declaration.partial_reviews.filter(
        expert=user, conflict_declared_at__isnull=False
    ).exists()


def current_partial_review(user, declaration, domain: str):
    """The user's partial review of that domain of the declaration, cleared or awaiting their
    declaration of interests, or None (a plain function: three arguments)."""
    if declaration is None or not domain or user is None or not user.is_authenticated:
        return None
    return declaration.partial_reviews.filter(expert=user, domain=domain).first()


@rules.predicate
def is_partial_review_open(user, review):
    """The editor's update arrived, and the review is not signed: verdicts may be given."""
    return (
        review is not None
        and review.signed_at is None
        and review.declaration.state == ChangeState.PARTIAL_REVIEW
        and review.declaration.update_sent_at is not None
    )


@rules.predicate
def is_partial_review_current_expert(user, review):
    return (
        review is not None
        and user.is_authenticated
        and review.expert_id == user.pk
        and review.conflict_declared_at is not None
    )


@rules.predicate
def is_partial_review_unsigned(user, review):
    return review is not None and review.signed_at is None


@rules.predicate
def is_declaration_in_partial_review(user, declaration):
    return declaration is not None and declaration.state == ChangeState.PARTIAL_REVIEW


@rules.predicate
def are_partial_reviews_signed(user, declaration):
    return declaration is not None and declaration.partial_reviews.all_signed()


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
#: The editor's update of a partial re-evaluation: the touched requirements' answers, then sent.
can_send_update = declaration_editor & is_update_awaited

#: On a partial re-evaluation (a `PartialReview`): its current, cleared expert gives verdicts
#: and signs once the editor's update arrived; the instruction team reads every one and gives
#: an unsigned one to another expert; the editor never reads verdicts (only the outcome, once
#: closed: templates/changes/reevaluation/_declaration_section.html).
can_evaluate_partial_review = is_partial_review_current_expert & is_partial_review_open
can_replace_partial_review_expert = is_instructor & is_partial_review_unsigned
#: On a declaration: closing its partial re-evaluation, once every domain is signed.
can_close_partial_review = (
    is_instructor & is_declaration_in_partial_review & are_partial_reviews_signed
)
rules.add_perm("changes.close_partial_review", is_instructor)

#: On a request to declare an unannounced change.
can_view_request = change_staff | (is_editor & is_request_organisation_member)
can_answer_request = is_editor & is_request_organisation_member & is_request_open
