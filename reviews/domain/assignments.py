"""Assigning experts to the domains of a dossier, and their declarations of interest."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import rules as r
from applications.domain.applicability import applicable_domains
from applications.enums import Domain, DossierState
from portal.accounts.roles import Role
from portal.notifications.messenger import notify

from .. import rules
from ..models import Assignment, ConflictStatus, ExpertConflict

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
        raise PermissionDenied(_("Seul un instructeur peut affecter des experts."))
    if dossier.state not in ASSIGNABLE_STATES:
        raise ValidationError(_("Les experts ne peuvent plus être affectés à ce stade."))
    if domain not in applicable_domains(dossier):
        raise ValidationError(_("Ce domaine ne s'applique pas à ce dossier."))
    if not eligible_experts(dossier=dossier, domain=domain).filter(pk=expert.pk).exists():
        raise ValidationError(
            _(
                "%(expert)s ne peut pas être affecté : il n'est pas expert du domaine "
                "« %(domain)s » ou a déclaré un conflit d'intérêts avec cet éditeur."
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


def cleared_assignment(*, dossier, user, domain: str) -> Assignment | None:
    """The user's cleared assignment on that domain (see reviews/rules.py), if any."""
    return rules.cleared_assignment(user, dossier, domain)
