"""Taking a decision: the motives rule, the yearly number, the signed snapshot, and the hand-off of
its PDF to Celery once the transaction commits (tolerating a broker that is down)."""

from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from applications.domain.exceptions import TransitionForbidden, TransitionInvalid
from applications.domain.transitions import transition_apply
from applications.enums import DecisionOutcome, DossierState, Opinion

from ..models import Decision, DecisionCounter
from ..rules import can_decide
from .documents import DECISION_PDF

#: The signatory's title when the ministry user has none on their account.
DEFAULT_SIGNATORY_TITLE = "Représentant du ministère chargé de la santé"


def decision_number(year: int, sequence: int) -> str:
    return f"REF-{year}-{sequence:04d}"


def decision_number_allocate(*, year: int) -> int:
    """The next sequence number of `year`, for the caller's transaction.

    The counter row stays locked until that transaction ends: concurrent decisions wait for each
    other and get distinct, consecutive numbers, and a rolled-back decision gives its number back.
    The first decisions of a year may race to create the row: the unique key makes one wait for
    the other, then read it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Un numéro de décision s'attribue dans une transaction.")
    DecisionCounter.objects.get_or_create(year=year)
    counter = DecisionCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def decision_outcomes_allowed(dossier) -> list[DecisionOutcome]:
    """The outcomes the ministry may choose for `dossier` now (none outside the states `decide`
    starts from), by the rule `decide` itself applies (`Dossier.decision_outcome_problem`)."""
    if not can_proceed(dossier.decide):
        return []
    return [o for o in DecisionOutcome if dossier.decision_outcome_problem(o) is None]


def opinion_is_favorable(state: str) -> bool:
    """Whether a dossier in `state` awaits the decision after a favorable opinion (with
    non-suspensive reservations, or suspensive ones since lifted)."""
    return state == DossierState.OPINION_FAVORABLE


def departs_from_opinion(*, outcome: str, opinion_favorable: bool) -> bool:
    """A refusal after a favorable opinion, or a referencing without one."""
    return (outcome == DecisionOutcome.REFUSED) == opinion_favorable


def motives_problem(*, outcome: str, opinion_favorable: bool, motives: str) -> str | None:
    """Why these motives are not enough for this decision (French), or None."""
    if motives.strip():
        return None
    if departs_from_opinion(outcome=outcome, opinion_favorable=opinion_favorable):
        return _(
            "Une décision qui s'écarte de l'avis de la commission doit être motivée : "
            "indiquez les motifs."
        )
    if outcome == DecisionOutcome.REFUSED:
        return _("Les motifs d'un refus sont obligatoires : indiquez-les.")
    return None


def signatory_of(actor) -> tuple[str, str]:
    """The name and title printed under a decision its author signs."""
    name = actor.get_full_name().strip() or actor.email
    title = (getattr(actor, "job_title", "") or "").strip() or DEFAULT_SIGNATORY_TITLE
    return name, title


def decision_record(
    *, dossier, actor, outcome: str, motives: str = "", source_state: str
) -> Decision:
    """Write the decision of a dossier the `decide` transition has just moved (`on_applied`).

    `dossier` is the locked row, already in its new state; `source_state` the state it was in,
    which tells whether the opinion the ministry follows or departs from was favorable."""
    motives = (motives or "").strip()
    opinion_favorable = opinion_is_favorable(source_state)
    problem = motives_problem(outcome=outcome, opinion_favorable=opinion_favorable, motives=motives)
    if problem:
        raise TransitionInvalid(problem)
    return decision_issue(
        dossier=dossier,
        actor=actor,
        outcome=outcome,
        motives=motives,
        opinion=dossier.opinion,
        opinion_reservations=dossier.opinion_reservations,
        reservations_lifted=opinion_favorable and dossier.opinion == Opinion.FAVORABLE_SUSPENSIVE,
    )


def decision_issue(*, dossier, actor, **fields) -> Decision:
    """Number, snapshot and write a decision on `dossier` signed by `actor` — what every kind of
    decision shares (the referencing decision, and the measures of decisions/domain/measures.py
    with their own `fields`) — and queue its PDF once the transaction commits."""
    service = dossier.service
    organisation = service.organisation
    version = dossier.referential_version
    decided_at = timezone.now()
    year = timezone.localdate(decided_at).year
    sequence = decision_number_allocate(year=year)
    signatory_name, signatory_title = signatory_of(actor)
    decision = Decision.objects.create(
        dossier=dossier,
        number=decision_number(year, sequence),
        year=year,
        sequence=sequence,
        dossier_reference=dossier.reference,
        referential_version_code=version.code if version else "",
        referential_version_title=version.title if version else "",
        service_name=service.name,
        organisation_name=organisation.name,
        organisation_siren=organisation.siren,
        signatory_name=signatory_name,
        signatory_title=signatory_title,
        decided_at=decided_at,
        decided_by=actor,
        **fields,
    )
    transaction.on_commit(partial(decision_dispatch, decision_id=decision.pk))
    return decision


def decision_correct(*, decision: Decision, actor, motives: str) -> Decision:
    """Rectify a signed decision with a new one (its own number and PDF) that states the same
    facts and outcome, new motives, and the decision it corrects. The first stays as it was."""
    motives = (motives or "").strip()
    if not can_decide.test(actor, decision.dossier):
        raise TransitionForbidden(_("Seul le ministère peut rectifier une décision."))
    if not motives:
        raise TransitionInvalid(_("Indiquez ce que la décision rectificative corrige."))
    with transaction.atomic():
        previous = Decision.objects.select_for_update().get(pk=decision.pk)
        later = previous.corrections.first()
        if later is not None:
            raise TransitionInvalid(
                _("Cette décision a déjà été rectifiée par la décision n° %(number)s.")
                % {"number": later.number}
            )
        decided_at = timezone.now()
        year = timezone.localdate(decided_at).year
        sequence = decision_number_allocate(year=year)
        signatory_name, signatory_title = signatory_of(actor)
        snapshot = {
            field: getattr(previous, field)
            for field in (
                "dossier_id",
                "kind",
                "outcome",
                "public_motive",
                "remedy",
                "remedy_deadline",
                "remedy_account",
                "suspension_id",
                "dossier_reference",
                "opinion",
                "opinion_reservations",
                "reservations_lifted",
                "referential_version_code",
                "referential_version_title",
                "service_name",
                "organisation_name",
                "organisation_siren",
            )
        }
        correction = Decision.objects.create(
            **snapshot,
            number=decision_number(year, sequence),
            year=year,
            sequence=sequence,
            motives=motives,
            corrects=previous,
            signatory_name=signatory_name,
            signatory_title=signatory_title,
            decided_at=decided_at,
            decided_by=actor,
        )
        transaction.on_commit(partial(decision_dispatch, decision_id=correction.pk))
    return correction


def decision_dispatch(*, decision_id: int) -> None:
    """Hand the PDF to Celery; if the broker is down the decision stays pending for the sweep."""
    DECISION_PDF.dispatch(decision_id)


def decision_pending_ids(*, older_than_seconds: float | None = None) -> list[int]:
    """Decisions whose PDF is still to be produced and that nobody touched for that long
    (default: JOBS_STALE_AFTER): taken, or last attempted, at least that long ago."""
    return DECISION_PDF.stale_ids(older_than_seconds=older_than_seconds)


def dossier_decide(*, dossier, actor, outcome: str, motives: str = "", comment: str = ""):
    """The ministry's decision. It is numbered and signed in the same transaction (motives are
    required for a refusal and for a decision departing from the opinion); its PDF is produced
    by Celery after the commit. `comment` goes to the timeline, `motives` into the decision."""
    source_state = dossier.state  # transition_apply refuses to act if the row left that state

    def record_decision(locked):
        decision_record(
            dossier=locked,
            actor=actor,
            outcome=outcome,
            motives=motives,
            source_state=source_state,
        )

    return transition_apply(
        "decide",
        dossier=dossier,
        actor=actor,
        comment=comment,
        outcome=outcome,
        on_applied=record_decision,
    )
