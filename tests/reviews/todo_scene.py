"""Dossiers put straight into a state with the rows the to-do lists read, for the tests of the
lists (tests/reviews/domain/test_todo.py): no workflow walked, no PDF rendered.

The lists read only a dossier's state, when it entered it, and a few facts around it — who is
assigned to which domain and who signed it (reviews), the editor's answer to suspensive
reservations, the commission's agenda, the decision's convention and the service's card. Each
builder here writes exactly the rows the real services write for those facts (the dossier,
assignments, signed evaluations, agenda items, the decision and convention through
`decision_issue` / `convention_build`, the same functions `dossier_decide` and
`convention_draw_up` call), so that a list that reads them reads what it reads in production.
The transitions that write them are tested on their own (tests/applications, tests/reviews,
tests/decisions, tests/conventions); tests/factories/dossiers.py `dossier_in_state` walks the
whole workflow when a test needs it.
"""

from datetime import timedelta

from django.utils import timezone

from applications.domain.applicability import applicable_domains
from applications.domain.dossiers import dossier_create
from applications.enums import DecisionOutcome, DossierState, Opinion
from applications.models import Dossier
from conventions.domain.services import convention_build
from conventions.enums import PdfStatus
from conventions.models import Convention
from decisions.domain.services import decision_issue
from reviews.models import (
    AgendaItem,
    Assignment,
    CommissionSession,
    DomainEvaluation,
    SessionMember,
)
from tests.factories import OrganisationFactory, staff_user
from tests.factories.dossiers import ServiceFactory, _approve_card, small_referential
from tests.factories.people import editor, expert

S = DossierState

#: The opinion a dossier in each state of the commission's outcome carries.
OPINIONS = {
    S.OPINION_FAVORABLE: Opinion.FAVORABLE,
    S.OPINION_RESERVED: Opinion.FAVORABLE_SUSPENSIVE,
    S.OPINION_UNFAVORABLE: Opinion.UNFAVORABLE,
    S.REFERENCED: Opinion.FAVORABLE,
    S.REFUSED: Opinion.UNFAVORABLE,
    S.PUBLISHED: Opinion.FAVORABLE,
    S.SUSPENDED: Opinion.FAVORABLE,
    S.DEREFERENCED: Opinion.FAVORABLE,
}
BEFORE_EVALUATION = {S.DRAFT, S.SUBMITTED, S.INCOMPLETE, S.WITHDRAWN}
IN_EVALUATION = {S.UNDER_EVALUATION, S.COMPLEMENTS_REQUESTED}
#: The states whose dossier the ministry has decided on (a decision row exists).
DECIDED = {S.REFERENCED, S.REFUSED, S.PUBLISHED, S.SUSPENDED, S.DEREFERENCED}
#: The states after the commission (the dossier was on an agenda and its vote is closed).
AFTER_COMMISSION = set(OPINIONS)


class Scene:
    """One organisation, its editor and the staff of a test; `dossier(state)` adds a dossier."""

    def __init__(self, organisation=None):
        small_referential()
        self.organisation = organisation or OrganisationFactory()
        self.editor = editor(self.organisation)
        self.instructor = staff_user("instructor")
        self.ministry = staff_user("ministry")
        self.admin = staff_user("admin")
        self._experts = {}

    def expert(self, domain):
        if domain not in self._experts:
            self._experts[domain] = expert(domain)
        return self._experts[domain]

    def dossier(self, state, *, organisation=None, session=None) -> Dossier:
        """A dossier of the scene's organisation (or `organisation`, with an editor of its own)
        in `state`, entered now, with what the services leave behind on the way there: experts
        on every applicable domain from the evaluation on, their signed evaluations from
        « Évalué » on, an item on `session`'s agenda (a new session's by default) with its vote
        closed after the commission, the opinion, the ministry's decision, and once published
        the approved card and the signed convention's date."""
        actor = self.editor if organisation is None else editor(organisation)
        service = ServiceFactory(organisation=organisation or self.organisation)
        dossier = dossier_create(actor=actor, service=service)
        now = timezone.now()
        fields = {"state": state, "state_changed_at": now}
        if state != S.DRAFT:
            fields["submitted_at"] = now
        if state in OPINIONS:
            fields["opinion"] = OPINIONS[state]
            if state == S.OPINION_RESERVED:
                fields["opinion_reservations"] = "Attestation HDS à fournir."
        Dossier.objects.filter(pk=dossier.pk).update(**fields)
        dossier = Dossier.objects.get(pk=dossier.pk)
        if state not in BEFORE_EVALUATION:
            self.assign(dossier)
        if state not in BEFORE_EVALUATION | IN_EVALUATION:
            self.sign(dossier)
        if state == S.IN_COMMISSION or state in AFTER_COMMISSION:
            closed = state != S.IN_COMMISSION
            AgendaItem.objects.create(
                session=session or self.session(),
                dossier=dossier,
                vote_status="closed" if closed else "not_opened",
                closed_at=now if closed else None,
            )
        if state in DECIDED:
            outcome = DecisionOutcome.REFUSED if state == S.REFUSED else DecisionOutcome.REFERENCED
            decision_issue(
                dossier=dossier,
                actor=self.ministry,
                outcome=outcome,
                motives="Exigences bloquantes non satisfaites." if state == S.REFUSED else "",
                opinion=dossier.opinion,
                opinion_reservations="",
                reservations_lifted=False,
            )
        if state in (S.PUBLISHED, S.SUSPENDED, S.DEREFERENCED):
            _approve_card(dossier, self)
            Dossier.objects.filter(pk=dossier.pk).update(convention_signed_at=now)
            dossier = Dossier.objects.get(pk=dossier.pk)
        return dossier

    def assign(self, dossier) -> None:
        """An expert on every applicable domain, cleared (no conflict of interest)."""
        for domain in applicable_domains(dossier):
            Assignment.objects.create(
                dossier=dossier,
                expert=self.expert(domain),
                domain=domain,
                assigned_by=self.instructor,
                conflict_status="none",
            )

    def sign(self, dossier) -> None:
        """Each active assignment's domain evaluated and signed by its expert."""
        for assignment in Assignment.objects.active().filter(dossier=dossier):
            DomainEvaluation.objects.create(
                dossier=dossier,
                domain=assignment.domain,
                expert=assignment.expert,
                conclusion="favorable",
                synthesis="Dossier solide.",
                revision_number=1,
            )

    def session(self, *, days_ahead: int = 7, members=()) -> CommissionSession:
        """A session a week ahead, chaired by a member of its own, with `members` on it."""
        session = CommissionSession.objects.create(
            title="Séance de test", date=timezone.localdate() + timedelta(days=days_ahead)
        )
        SessionMember.objects.create(
            session=session, user=staff_user("commission_member"), is_chair=True
        )
        for person in members:
            SessionMember.objects.create(session=session, user=person)
        return session

    def convention(self, dossier, *, ready: bool = True) -> Convention:
        """The convention of a referenced dossier as `convention_draw_up` writes it (the decision's
        PDF taken as produced), its own PDF produced when `ready`."""
        decision = dossier.decisions.get()
        convention = convention_build(dossier=dossier, decision=decision, actor=self.admin)
        convention.save()
        if ready:
            Convention.objects.filter(pk=convention.pk).update(
                pdf_status=PdfStatus.READY, pdf_generated_at=timezone.now()
            )
        return Convention.objects.get(pk=convention.pk)
