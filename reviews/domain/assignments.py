"""Assigning experts to the domains of a dossier, their declarations of interest, and the
instructors' changes to an assignment: another expert, another due date (each with its reason,
recorded in `AssignmentChange` and in the assignments' history, and told to the experts)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import rules as r
from applications.domain.applicability import applicable_domains
from applications.enums import Domain, DossierState
from applications.models import Dossier
from portal.accounts.roles import Role
from portal.notifications.messenger import notify

from .. import rules
from ..models import (
    Assignment,
    AssignmentChange,
    AssignmentChangeKind,
    ConflictStatus,
    DomainEvaluation,
    ExpertConflict,
)
from . import assignment_events  # noqa: F401  (registers the events of the changes below)

S = DossierState
ASSIGNABLE_STATES = (S.SUBMITTED, S.UNDER_EVALUATION, S.COMPLEMENTS_REQUESTED)


def eligible_experts(*, dossier, domain: str):
    """Active experts of `domain` with no declared conflict with the dossier's organisation."""
    User = get_user_model()
    return (
        User.objects.filter(
            is_active=True,
            groups__name=Role.EXPERT,
            expert_scopes__domain=domain,
        )
        .exclude(conflicts__organisation_id=dossier.service.organisation_id)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


@transaction.atomic
def assignment_create(*, dossier, domain: str, expert, actor, due_on=None) -> Assignment:
    if not r.is_instructor.test(actor):
        raise PermissionDenied(_("Seule l'équipe d'instruction peut affecter des experts."))
    if dossier.state not in ASSIGNABLE_STATES:
        raise ValidationError(_("Les experts ne peuvent plus être affectés à ce stade."))
    if domain not in applicable_domains(dossier):
        raise ValidationError(_("Ce domaine ne s'applique pas à ce dossier."))
    if not eligible_experts(dossier=dossier, domain=domain).filter(pk=expert.pk).exists():
        raise ValidationError(
            _(
                "Impossible d'affecter %(expert)s : cette personne n'est pas experte du "
                "domaine « %(domain)s » ou a déclaré un conflit d'intérêts avec cet éditeur."
            )
            % {"expert": expert, "domain": Domain(domain).label}
        )
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                dossier=dossier, domain=domain, expert=expert, assigned_by=actor, due_on=due_on
            )
    except IntegrityError:
        raise ValidationError(
            _("Un expert est déjà affecté à ce domaine pour ce dossier.")
        ) from None
    _invite_expert(assignment)
    return assignment


def _invite_expert(assignment: Assignment) -> None:
    """Tell the expert a declaration of interests is expected from them: the service, its editor
    and the link to the declaration page, nothing else of the dossier (reviews/rules.py). The
    dossier's own e-mails reach them only once they are cleared."""
    notify("assignment_declaration_expected", actor=assignment.assigned_by, assignment=assignment)


@transaction.atomic
def assignment_declare(
    *, assignment: Assignment, actor, conflict: bool, details: str = ""
) -> Assignment:
    """The expert declares no conflict (the dossier opens to them), or a conflict (the
    assignment is released, the conflict recorded for the organisation, instructors alerted)."""
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("dossier__service__organisation")
        .get(pk=assignment.pk)
    )
    if assignment.expert_id != actor.pk or assignment.released_at is not None:
        raise PermissionDenied(_("Cette affectation n'est pas la vôtre ou n'est plus active."))
    if assignment.conflict_status != ConflictStatus.PENDING:
        raise ValidationError(_("Vous avez déjà fait votre déclaration pour ce dossier."))
    now = timezone.now()
    assignment.declared_at = now
    if not conflict:
        assignment.conflict_status = ConflictStatus.NONE
        assignment.save(update_fields=["conflict_status", "declared_at"])
        return assignment
    details = details.strip()
    if not details:
        raise ValidationError(_("Décrivez la nature du conflit d'intérêts."))
    organisation = assignment.dossier.service.organisation
    ExpertConflict.objects.get_or_create(
        expert=actor, organisation=organisation, defaults={"details": details}
    )
    assignment.conflict_status = ConflictStatus.CONFLICT
    assignment.released_at = now
    assignment.save(update_fields=["conflict_status", "declared_at", "released_at"])
    _alert_instructors(assignment)
    return assignment


def _alert_instructors(assignment: Assignment) -> None:
    notify(
        "conflict_declared",
        dossier=assignment.dossier,
        actor=assignment.expert,
        assignment=assignment,
    )


# ---------------------------------------------------------------------------------------------
# Changing an assignment
# ---------------------------------------------------------------------------------------------

#: What `history_change_reason` (django-simple-history) holds at most.
HISTORY_REASON_LENGTH = 100


def assignment_change_blocker(assignment, *, dossier=None) -> str | None:
    """Why the assignment's expert or due date may not change any more (French), or None: it
    is released, the dossier went past the evaluation, or the domain's evaluation is signed."""
    dossier = dossier or assignment.dossier
    if assignment.released_at is not None:
        return _("Cette affectation n'est plus active : elle ne se modifie plus.")
    if dossier.state not in ASSIGNABLE_STATES:
        return _("Les affectations ne se modifient plus à ce stade du dossier.")
    if DomainEvaluation.objects.filter(dossier=dossier, domain=assignment.domain).exists():
        return _("L'évaluation de ce domaine est signée : l'affectation ne se modifie plus.")
    return None


def _locked_for_change(*, assignment, actor, reason: str) -> tuple[Assignment, str]:
    """The assignment locked (its dossier first, as the transitions do), once the instructor,
    the dossier's stage and the reason allow a change; else PermissionDenied / ValidationError
    with the French reason."""
    if not r.is_instructor.test(actor):
        raise PermissionDenied(_("Seule l'équipe d'instruction peut modifier une affectation."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de la modification.")})
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("service__organisation")
        .get(pk=assignment.dossier_id)
    )
    locked = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("expert")
        .get(pk=assignment.pk)
    )
    locked.dossier = dossier
    blocker = assignment_change_blocker(locked, dossier=dossier)
    if blocker:
        raise ValidationError(blocker)
    return locked, reason


def _history_reason(reason: str) -> str:
    return (
        reason
        if len(reason) <= HISTORY_REASON_LENGTH
        else reason[: HISTORY_REASON_LENGTH - 1] + "…"
    )


@transaction.atomic
def assignment_replace_expert(*, assignment, expert, actor, reason: str) -> Assignment:
    """Give the assignment's domain to another eligible expert: the current assignment is
    released (its expert loses access at once: reviews/rules.py), a new one is created for the
    new expert, who is asked to declare their interests as for any assignment; the due date
    stays. Refused once the domain's evaluation is signed. Both experts are told, with the
    reason."""
    locked, reason = _locked_for_change(assignment=assignment, actor=actor, reason=reason)
    dossier = locked.dossier
    if expert.pk == locked.expert_id:
        raise ValidationError({"expert": _("Choisissez un autre expert que l'expert actuel.")})
    if not eligible_experts(dossier=dossier, domain=locked.domain).filter(pk=expert.pk).exists():
        raise ValidationError(
            {
                "expert": _(
                    "Impossible d'affecter %(expert)s : cette personne n'est pas experte du "
                    "domaine « %(domain)s » ou a déclaré un conflit d'intérêts avec cet éditeur."
                )
                % {"expert": expert, "domain": Domain(locked.domain).label}
            }
        )
    now = timezone.now()
    locked.released_at = now
    locked._change_reason = _history_reason(reason)
    locked.save(update_fields=["released_at"])
    replacement = Assignment(
        dossier=dossier,
        domain=locked.domain,
        expert=expert,
        assigned_by=actor,
        due_on=locked.due_on,
    )
    replacement._change_reason = _history_reason(reason)
    replacement.save()
    change = AssignmentChange.objects.create(
        assignment=locked,
        replacement=replacement,
        dossier=dossier,
        domain=locked.domain,
        kind=AssignmentChangeKind.EXPERT,
        previous_expert=locked.expert,
        new_expert=expert,
        previous_due_on=locked.due_on,
        new_due_on=locked.due_on,
        reason=reason,
        actor=actor,
        at=now,
    )
    notify("assignment_withdrawn", actor=actor, assignment=locked, change=change)
    _invite_expert(replacement)
    return replacement


@transaction.atomic
def assignment_change_due_date(*, assignment, due_on, actor, reason: str) -> Assignment:
    """Move the assignment's due date (never to a past day), before the domain's evaluation is
    signed; the expert is told, with the reason."""
    locked, reason = _locked_for_change(assignment=assignment, actor=actor, reason=reason)
    if due_on is None:
        raise ValidationError({"due_on": _("Indiquez la nouvelle date de rendu.")})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("La date de rendu ne peut pas être passée.")})
    if due_on == locked.due_on:
        raise ValidationError({"due_on": _("C'est déjà la date de rendu de cette affectation.")})
    previous = locked.due_on
    locked.due_on = due_on
    locked._change_reason = _history_reason(reason)
    locked.save(update_fields=["due_on"])
    change = AssignmentChange.objects.create(
        assignment=locked,
        dossier=locked.dossier,
        domain=locked.domain,
        kind=AssignmentChangeKind.DUE_DATE,
        previous_expert=locked.expert,
        previous_due_on=previous,
        new_due_on=due_on,
        reason=reason,
        actor=actor,
    )
    notify("assignment_due_date_changed", actor=actor, assignment=locked, change=change)
    return locked


def assignment_changes(dossier) -> list[AssignmentChange]:
    """The changes made to the dossier's assignments, oldest first (one query)."""
    return list(
        AssignmentChange.objects.filter(dossier=dossier).select_related(
            "actor", "previous_expert", "new_expert"
        )
    )


def cleared_assignment(*, dossier, user, domain: str) -> Assignment | None:
    """The user's cleared assignment on that domain (see reviews/rules.py), if any."""
    return rules.cleared_assignment(user, dossier, domain)
