"""The candidate dossier and its state machine.

Transition methods only set fields; the services (all through
`applications.domain.transitions.transition_apply`) lock the row, check permission and guards,
save, write the audit row and queue the e-mails. Nothing else assigns `state` (the field is
protected). Permissions and guards are named here and registered by the modules that know what
they read (`allowed`, `Requires`), so this model imports no rule of another app.
"""

from collections.abc import Callable

import rules
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from ..enums import OPINION_TARGET_STATE, DecisionOutcome, DossierState, Opinion
from .service import Service

S = DossierState


def transition_permission(name: str) -> str:
    """The django-rules permission of transition `name`, registered (`rules.add_perm`) by the
    app whose service carries the transition out (applications/rules.py says which)."""
    return f"applications.{name}_dossier"


def allowed(name: str):
    """django-fsm's permission (dossier, user) of transition `name`, tested through django-rules
    itself, so no Django flag (a superuser's) bypasses it; an unregistered name allows nobody."""
    permission_name = transition_permission(name)

    def permission(dossier, user):
        return rules.has_perm(permission_name, user, dossier)

    permission.permission_name = permission_name
    return permission


#: The guards of the transitions by name, registered by `@guard` in applications/guards.py
#: (imported when the app is ready).
GUARDS: dict[str, Callable] = {}


class Requires:
    """A condition of a transition, named here and checked by the guard registered under that
    name: the model imports nothing of what the guard reads."""

    def __init__(self, name: str):
        self.name = self.__name__ = name

    def _guard(self):
        try:
            return GUARDS[self.name]
        except KeyError:
            raise ImproperlyConfigured(f"No guard registered as {self.name!r}.") from None

    def __call__(self, dossier) -> bool:
        return self._guard()(dossier)

    def reason(self, dossier) -> str | None:
        return self._guard().reason(dossier)

    def __repr__(self):
        return f"<Requires {self.name}>"


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
    #: The published (or suspended) dossier this one renews (applications/domain/renewal.py).
    renews = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name=_("renouvelle le dossier"),
    )
    #: PostgreSQL: the service's and its organisation's names under the `french_unaccent`
    #: configuration, kept by database triggers (migration `dossier_search`) whoever writes the
    #: names; GIN-indexed. Read by `applications/domain/dossier_search.py` only; unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "submitted_at"]),
            # The instructors' queue: one state, the longest waiting first (ORDER BY
            # state_changed_at, id), and its tab counters (total, late) read from the same index.
            models.Index(fields=["state", "state_changed_at", "id"], name="dossier_queue_idx"),
            # Every dossier list (applications/domain/queries.py, `dossiers_for_list`): the most
            # recently modified first, read in index order and stopped after one page.
            models.Index(fields=["-updated_at", "-id"], name="dossier_recent_idx"),
        ]

    def __str__(self):
        return f"{self.reference} — {self.service}"

    # -- what the pages ask of the state (never a string compared in a template) ---------------
    @property
    def is_draft(self) -> bool:
        return self.state == S.DRAFT

    @property
    def is_submitted(self) -> bool:
        return self.state == S.SUBMITTED

    @property
    def is_evaluated(self) -> bool:
        return self.state == S.EVALUATED

    @property
    def is_editable(self) -> bool:
        return S(self.state).is_editable

    @property
    def state_tone(self) -> str:
        return S(self.state).tone

    # -- editor ---------------------------------------------------------------------------------
    @transition(
        state,
        source=S.DRAFT,
        target=S.SUBMITTED,
        permission=allowed("submit"),
        conditions=[
            Requires("questionnaire_is_complete"),
            Requires("carried_over_confirmed"),
            Requires("unit_tests_passed"),
        ],
    )
    def submit(self, *, now):
        self.submitted_at = now

    @transition(
        state,
        source=S.INCOMPLETE,
        target=S.SUBMITTED,
        permission=allowed("resubmit"),
        conditions=[Requires("unit_tests_passed")],
    )
    def resubmit(self, *, now):
        self.submitted_at = now

    @transition(
        state,
        source=S.COMPLEMENTS_REQUESTED,
        target=S.UNDER_EVALUATION,
        permission=allowed("provide_complements"),
    )
    def provide_complements(self):
        pass

    @transition(
        state,
        source=[st for st in S if st in S.before_decision()],
        target=S.WITHDRAWN,
        permission=allowed("withdraw"),
    )
    def withdraw(self):
        pass

    # -- instructor -----------------------------------------------------------------------------
    @transition(
        state,
        source=S.SUBMITTED,
        target=S.INCOMPLETE,
        permission=allowed("declare_incomplete"),
    )
    def declare_incomplete(self):
        pass

    @transition(
        state,
        source=S.SUBMITTED,
        target=S.UNDER_EVALUATION,
        permission=allowed("start_evaluation"),
        conditions=[Requires("has_expert_on_every_domain")],
    )
    def start_evaluation(self):
        pass

    @transition(
        state,
        source=S.UNDER_EVALUATION,
        target=S.COMPLEMENTS_REQUESTED,
        permission=allowed("request_complements"),
    )
    def request_complements(self):
        pass

    @transition(
        state,
        source=S.UNDER_EVALUATION,
        target=S.EVALUATED,
        permission=allowed("complete_evaluation"),
        conditions=[Requires("every_domain_evaluation_signed")],
    )
    def complete_evaluation(self):
        pass

    @transition(
        state,
        source=S.EVALUATED,
        target=S.IN_COMMISSION,
        permission=allowed("schedule"),
        conditions=[Requires("end_to_end_tests_passed")],
    )
    def schedule(self):
        pass

    @transition(
        state,
        source=S.OPINION_RESERVED,
        target=S.OPINION_FAVORABLE,
        permission=allowed("lift_reservations"),
        conditions=[Requires("reservations_answered")],
    )
    def lift_reservations(self):
        pass

    # -- commission -----------------------------------------------------------------------------
    @transition(
        state,
        source=S.IN_COMMISSION,
        target=RETURN_VALUE(S.OPINION_FAVORABLE, S.OPINION_RESERVED, S.OPINION_UNFAVORABLE),
        permission=allowed("record_opinion"),
        conditions=[Requires("vote_closed_with_quorum")],
    )
    def record_opinion(self, *, opinion, reservations=""):
        opinion = Opinion(opinion)
        if opinion != Opinion.FAVORABLE and opinion != Opinion.UNFAVORABLE and not reservations:
            raise InvalidTransitionArgument(_("Le texte des réserves est obligatoire."))
        self.opinion = opinion
        self.opinion_reservations = reservations
        return OPINION_TARGET_STATE[opinion]

    # -- ministry -------------------------------------------------------------------------------
    def decision_outcome_problem(self, outcome) -> str | None:
        """Why the ministry may not give this outcome after the commission's opinion (French), or
        None: the one rule behind `decide` and the outcomes its form offers."""
        if outcome == DecisionOutcome.REFERENCED and self.state != S.OPINION_FAVORABLE:
            return _("Seul un avis favorable de la commission permet de référencer le service.")
        return None

    @transition(
        state,
        source=[S.OPINION_FAVORABLE, S.OPINION_RESERVED, S.OPINION_UNFAVORABLE],
        target=RETURN_VALUE(S.REFERENCED, S.REFUSED),
        permission=allowed("decide"),
    )
    def decide(self, *, outcome):
        outcome = DecisionOutcome(outcome)
        problem = self.decision_outcome_problem(outcome)
        if problem:
            raise InvalidTransitionArgument(problem)
        self.decision_outcome = outcome
        return S.REFERENCED if outcome == DecisionOutcome.REFERENCED else S.REFUSED

    # -- administration -------------------------------------------------------------------------
    @transition(
        state,
        source=S.REFERENCED,
        target=S.PUBLISHED,
        permission=allowed("publish"),
        conditions=[
            Requires("has_signed_convention"),
            Requires("has_approved_card"),
            Requires("connection_tests_passed"),
        ],
    )
    def publish(self):
        pass

    @transition(state, source=S.PUBLISHED, target=S.SUSPENDED, permission=allowed("suspend"))
    def suspend(self):
        pass

    @transition(state, source=S.SUSPENDED, target=S.PUBLISHED, permission=allowed("reinstate"))
    def reinstate(self):
        pass

    @transition(
        state,
        source=[S.PUBLISHED, S.SUSPENDED],
        target=S.DEREFERENCED,
        permission=allowed("dereference"),
    )
    def dereference(self):
        pass


# A template must never be able to trigger a transition.
for _transition in Dossier._meta.get_field("state").get_all_transitions(Dossier):
    getattr(Dossier, _transition.name).alters_data = True
