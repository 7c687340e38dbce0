"""The candidate dossier and its state machine.

Transition methods only set fields; the services in `applications.domain.transitions` lock the
row, check permission and guards, save, write the audit row and queue the e-mails. Nothing else
assigns `state` (the field is protected).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from .. import rules as r
from ..enums import (
    BEFORE_DECISION,
    OPINION_TARGET_STATE,
    DecisionOutcome,
    DossierState,
    Opinion,
)
from ..guards import (
    every_domain_evaluation_signed,
    has_expert_on_every_domain,
    has_signed_convention,
    questionnaire_is_complete,
    reservations_answered,
    vote_closed_with_quorum,
)
from .service import Service

S = DossierState


def allowed(predicate):
    """Adapt a rules predicate (user, dossier) to django-fsm's permission (dossier, user)."""

    def permission(dossier, user):
        return predicate.test(user, dossier)

    permission.predicate = predicate
    return permission


class InvalidTransitionArgument(ValueError):
    """A transition was called with an argument the rules do not admit (French message)."""


class Dossier(ConcurrentTransitionMixin, models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="dossiers")
    reference = models.CharField(_("référence"), max_length=20, unique=True, editable=False)
    state = FSMField(_("état"), default=S.DRAFT, choices=S.choices, protected=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    submitted_at = models.DateTimeField(_("déposé le"), null=True, blank=True)
    state_changed_at = models.DateTimeField(_("dans cet état depuis"), null=True, blank=True)
    opinion = models.CharField(
        _("avis de la commission"), max_length=32, choices=Opinion.choices, blank=True
    )
    opinion_reservations = models.TextField(_("réserves"), blank=True)
    decision_outcome = models.CharField(
        _("décision"), max_length=16, choices=DecisionOutcome.choices, blank=True
    )
    referential_version = models.ForeignKey(
        "applications.ReferentialVersion",
        on_delete=models.PROTECT,
        related_name="dossiers",
        null=True,
        blank=True,
        verbose_name=_("version du référentiel"),
    )
    convention_signed_at = models.DateTimeField(_("convention signée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "submitted_at"]),
            models.Index(fields=["state", "state_changed_at"]),
        ]

    def __str__(self):
        return f"{self.reference} — {self.service}"

    # -- editor ---------------------------------------------------------------------------------
    @transition(
        state,
        source=S.DRAFT,
        target=S.SUBMITTED,
        permission=allowed(r.can_submit),
        conditions=[questionnaire_is_complete],
    )
    def submit(self, *, now):
        self.submitted_at = now

    @transition(state, source=S.INCOMPLETE, target=S.SUBMITTED, permission=allowed(r.can_resubmit))
    def resubmit(self, *, now):
        self.submitted_at = now

    @transition(
        state,
        source=S.COMPLEMENTS_REQUESTED,
        target=S.UNDER_EVALUATION,
        permission=allowed(r.can_provide_complements),
    )
    def provide_complements(self):
        pass

    @transition(
        state, source=list(BEFORE_DECISION), target=S.WITHDRAWN, permission=allowed(r.can_withdraw)
    )
    def withdraw(self):
        pass

    # -- instructor -----------------------------------------------------------------------------
    @transition(
        state,
        source=S.SUBMITTED,
        target=S.INCOMPLETE,
        permission=allowed(r.can_declare_incomplete),
    )
    def declare_incomplete(self):
        pass

    @transition(
        state,
        source=S.SUBMITTED,
        target=S.UNDER_EVALUATION,
        permission=allowed(r.can_start_evaluation),
        conditions=[has_expert_on_every_domain],
    )
    def start_evaluation(self):
        pass

    @transition(
        state,
        source=S.UNDER_EVALUATION,
        target=S.COMPLEMENTS_REQUESTED,
        permission=allowed(r.can_request_complements),
    )
    def request_complements(self):
        pass

    @transition(
        state,
        source=S.UNDER_EVALUATION,
        target=S.EVALUATED,
        permission=allowed(r.can_complete_evaluation),
        conditions=[every_domain_evaluation_signed],
    )
    def complete_evaluation(self):
        pass

    @transition(
        state, source=S.EVALUATED, target=S.IN_COMMISSION, permission=allowed(r.can_schedule)
    )
    def schedule(self):
        pass

    @transition(
        state,
        source=S.OPINION_RESERVED,
        target=S.OPINION_FAVORABLE,
        permission=allowed(r.can_lift_reservations),
        conditions=[reservations_answered],
    )
    def lift_reservations(self):
        pass

    # -- commission -----------------------------------------------------------------------------
    @transition(
        state,
        source=S.IN_COMMISSION,
        target=RETURN_VALUE(S.OPINION_FAVORABLE, S.OPINION_RESERVED, S.OPINION_UNFAVORABLE),
        permission=allowed(r.can_record_opinion),
        conditions=[vote_closed_with_quorum],
    )
    def record_opinion(self, *, opinion, reservations=""):
        opinion = Opinion(opinion)
        if opinion != Opinion.FAVORABLE and opinion != Opinion.UNFAVORABLE and not reservations:
            raise InvalidTransitionArgument(_("Le texte des réserves est obligatoire."))
        self.opinion = opinion
        self.opinion_reservations = reservations
        return OPINION_TARGET_STATE[opinion]

    # -- ministry -------------------------------------------------------------------------------
    @transition(
        state,
        source=[S.OPINION_FAVORABLE, S.OPINION_RESERVED, S.OPINION_UNFAVORABLE],
        target=RETURN_VALUE(S.REFERENCED, S.REFUSED),
        permission=allowed(r.can_decide),
    )
    def decide(self, *, outcome):
        outcome = DecisionOutcome(outcome)
        if outcome == DecisionOutcome.REFERENCED and self.state != S.OPINION_FAVORABLE:
            raise InvalidTransitionArgument(
                _("Seul un avis favorable de la commission permet de référencer le service.")
            )
        self.decision_outcome = outcome
        return S.REFERENCED if outcome == DecisionOutcome.REFERENCED else S.REFUSED

    # -- administration -------------------------------------------------------------------------
    @transition(
        state,
        source=S.REFERENCED,
        target=S.PUBLISHED,
        permission=allowed(r.can_publish),
        conditions=[has_signed_convention],
    )
    def publish(self):
        pass

    @transition(state, source=S.PUBLISHED, target=S.SUSPENDED, permission=allowed(r.can_suspend))
    def suspend(self):
        pass

    @transition(state, source=S.SUSPENDED, target=S.PUBLISHED, permission=allowed(r.can_reinstate))
    def reinstate(self):
        pass

    @transition(
        state,
        source=[S.PUBLISHED, S.SUSPENDED],
        target=S.DEREFERENCED,
        permission=allowed(r.can_dereference),
    )
    def dereference(self):
        pass


# A template must never be able to trigger a transition.
for _transition in Dossier._meta.get_field("state").get_all_transitions(Dossier):
    getattr(Dossier, _transition.name).alters_data = True
