"""The events of declared changes in the message fan-out (portal/notifications/messenger.py),
registered when the app is ready (changes/apps.py imports this module); templates
templates/notifications/change_*_{subject,body}.txt.

- `change_declared`: the editor sent a declaration — told to the active instructors, pointing to
  the declaration, with the day it must be qualified by;
- `change_qualified`: an instructor qualified it (editorial, partial re-evaluation, new dossier),
  with the reason — told to the current, active members of the editor's organisation;
- `change_partial_review`: a partial re-evaluation asks the experts of the touched domains —
  told to those experts;
- `change_update_arrived`: the editor sent the update of a partial re-evaluation — told to the
  cleared experts of its domains, with the day to sign by (`partial_reviews_open`);
- `change_partial_review_assigned`: an instructor gave a domain of a partial re-evaluation to
  another expert — told to that expert, who first declares their interests;
- `change_partial_review_conflict`: that expert declared a conflict of interest — told to the
  active instructors, who name another;
- `change_review_closed`: the instruction team closed the partial re-evaluation (accepted or
  not), with the reason — told to the editor's members;
- `change_requested`: the instruction team asks the editor's members to declare a change found
  unannounced, by a given day, pointing to the dossier.
Nobody is told of their own act.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse

from applications.domain.notifications import dossier_link, organisation_member_emails
from portal.accounts.roles import Role
from portal.notifications.messenger import register


def instructor_emails(**_context) -> set[str]:
    return set(
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.INSTRUCTOR)
        .values_list("email", flat=True)
    )


def editor_member_emails(*, dossier, **_context) -> set[str]:
    return organisation_member_emails(dossier)


def partial_review_expert_emails(*, reviews, **_context) -> set[str]:
    return {
        review.expert.email
        for review in reviews
        if review.expert is not None and review.expert.is_active
    }


def partial_review_new_expert_email(*, review, **_context) -> set[str]:
    return {review.expert.email} if review.expert is not None and review.expert.is_active else set()


def partial_review_link(*, review, **_context) -> str:
    if review.conflict_declared_at is None:
        return reverse("changes:reevaluation-declare", args=[review.declaration_id, review.domain])
    return reverse("changes:reevaluation", args=[review.declaration_id, review.domain])


def declaration_link(*, declaration, **_context) -> str:
    return reverse("changes:declaration-detail", args=[declaration.pk])


register("change_declared", recipients=instructor_emails, link=declaration_link, exclude_actor=True)
register(
    "change_qualified", recipients=editor_member_emails, link=declaration_link, exclude_actor=True
)
register(
    "change_partial_review",
    recipients=partial_review_expert_emails,
    link=declaration_link,
    exclude_actor=True,
)
register("change_requested", recipients=editor_member_emails, link=dossier_link, exclude_actor=True)
register(
    "change_update_arrived",
    recipients=partial_review_expert_emails,
    link=declaration_link,
    exclude_actor=True,
)
register(
    "change_partial_review_assigned",
    recipients=partial_review_new_expert_email,
    link=partial_review_link,
    exclude_actor=True,
)
register(
    "change_partial_review_conflict",
    recipients=instructor_emails,
    link=declaration_link,
    exclude_actor=True,
)
register(
    "change_review_closed",
    recipients=editor_member_emails,
    link=declaration_link,
    exclude_actor=True,
)
