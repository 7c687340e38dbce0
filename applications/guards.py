"""Guards: conditions on transitions that can say, in French, why they block.

A guard wraps a check `dossier -> str | None` returning None when the transition may proceed and
otherwise the reason it may not. django-fsm calls the guard as a plain condition (truthy = met);
the dossier page calls `reason()` to tell the user what is missing.

The state machine names its conditions (`Requires("questionnaire_is_complete")` in
applications/models/dossier.py); `@guard` registers each check here under its function's name,
so the model imports nothing of what the guards read. Guards read through the dossier's
relations.
"""

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .domain.applicability import applicable_domains
from .domain.completeness import dossier_completeness
from .domain.questionnaire import unconfirmed_carried_over
from .enums import Domain
from .models.dossier import GUARDS


class Guard:
    def __init__(self, check: Callable[[object], str | None]):
        self.check = check
        self.__name__ = check.__name__
        self.__doc__ = check.__doc__

    def __call__(self, dossier) -> bool:
        return self.check(dossier) is None

    def reason(self, dossier) -> str | None:
        return self.check(dossier)

    def __repr__(self):
        return f"<Guard {self.__name__}>"


def condition_reason(condition, dossier) -> str | None:
    """Why `condition` blocks `dossier`, or None when it is met.

    Plain callables get a generic text."""
    if isinstance(condition, Guard) or hasattr(condition, "reason"):
        return condition.reason(dossier)
    return None if condition(dossier) else _("Une condition n'est pas remplie.")


def guard(check: Callable[[object], str | None]) -> Guard:
    """Register `check` as the guard the state machine names after it."""
    GUARDS[check.__name__] = Guard(check)
    return GUARDS[check.__name__]


@guard
def questionnaire_is_complete(dossier) -> str | None:
    """`submit` and `resubmit` need an eligible orientation and every applicable mandatory
    requirement answered, justified and proven as the referential asks."""
    return dossier_completeness(dossier).blocking_reason()


@guard
def carried_over_confirmed(dossier) -> str | None:
    """`submit` of a renewal needs every answer copied from the renewed dossier confirmed (or
    edited) by the editor."""
    if not (n := unconfirmed_carried_over(dossier)):
        return None
    return ngettext(
        "Impossible de déposer : %(n)d réponse reprise du dossier précédent reste à confirmer.",
        "Impossible de déposer : %(n)d réponses reprises du dossier précédent restent à confirmer.",
        n,
    ) % {"n": n}


def missing_domains(dossier, present) -> str:
    """The labels of the applicable domains not in `present`, joined ("" when none is missing)."""
    return ", ".join(str(Domain(d).label) for d in applicable_domains(dossier) if d not in present)


@guard
def has_expert_on_every_domain(dossier) -> str | None:
    """`start_evaluation` needs an expert assigned on every applicable domain."""
    assigned = set(
        dossier.assignments.filter(released_at__isnull=True).values_list("domain", flat=True)
    )
    if not (missing := missing_domains(dossier, assigned)):
        return None
    return _("Impossible de lancer l'évaluation : aucun expert affecté pour %(domains)s.") % {
        "domains": missing
    }


@guard
def every_domain_evaluation_signed(dossier) -> str | None:
    """`complete_evaluation` needs the signed evaluation of every applicable domain."""
    signed = set(dossier.domain_evaluations.values_list("domain", flat=True))
    if not (missing := missing_domains(dossier, signed)):
        return None
    return _("Impossible de clore l'évaluation : évaluation non signée pour %(domains)s.") % {
        "domains": missing
    }


@guard
def vote_closed_with_quorum(dossier) -> str | None:
    """`record_opinion` needs the commission's vote on the dossier closed, with quorum."""
    item = dossier.agenda_items.current()
    if item is None or not item.vote_is_closed:
        return _("Impossible d'enregistrer l'avis : le vote de la commission n'est pas clos.")
    if not item.quorum_reached:
        return _("Impossible d'enregistrer l'avis : le quorum n'a pas été atteint lors du vote.")
    if not item.voted_opinion:
        return _(
            "Impossible d'enregistrer l'avis : aucune voix ne s'est exprimée lors du vote "
            "(toutes sont des abstentions). Ouvrez un nouveau tour de vote."
        )
    return None


@guard
def reservations_answered(dossier) -> str | None:
    """`lift_reservations` needs the editor's answer to the reservations."""
    if dossier.reservation_responses.exists():
        return None
    return _("Impossible de lever les réserves : l'éditeur n'y a pas encore répondu.")


@guard
def has_signed_convention(dossier) -> str | None:
    """`publish` needs the convention signed by the editor."""
    if dossier.convention_signed_at:
        return None
    return _("Impossible de publier : la convention signée n'a pas été enregistrée.")
