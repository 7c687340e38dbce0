"""One service per transition, all through `transition_apply`: in a transaction with the dossier
row locked, it checks permission and guards, applies the transition, saves, appends the audit
row, and queues the e-mails for after the commit. This is the only code that changes a
dossier's state.

The services of the editor's and the administration's transitions are here; the others live
with the data they write: `dossier_request_complements` (reviews/domain/complements.py),
`dossier_complete_evaluation` (reviews/domain/report.py), `dossier_schedule`
(reviews/domain/sessions.py), `dossier_record_opinion` (reviews/domain/commission.py),
`dossier_decide` (decisions/domain/services.py)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from ..enums import DossierState
from ..guards import condition_reason
from ..models import Dossier, Service, TransitionLog
from ..models.dossier import InvalidTransitionArgument
from .exceptions import (
    TransitionBlocked,
    TransitionConflict,
    TransitionForbidden,
    TransitionInvalid,
    TransitionNotAvailable,
)
from .notifications import notify_transition
from .revisions import revision_freeze
from .workflow import TRANSITIONS

#: Transitions that file the editor's answers (and freeze them as a revision).
FILING_TRANSITIONS = ("submit", "resubmit", "provide_complements")


def append_log(
    *, dossier: Dossier, transition: str, from_state: str, to_state: str, actor, comment: str = ""
) -> TransitionLog:
    """Append one audit row chained to the dossier's previous one (caller holds the row lock)."""
    previous = (
        TransitionLog.objects.filter(dossier=dossier).order_by("-seq").only("seq", "hash").first()
    )
    log = TransitionLog(
        dossier=dossier,
        seq=previous.seq + 1 if previous else 1,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        comment=comment,
        created_at=timezone.now(),
        prev_hash=previous.hash if previous else "",
    )
    log.hash = log.compute_hash()
    log.save()
    return log


def transition_apply(
    name: str, *, dossier: Dossier, actor, comment: str = "", on_applied=None, **kwargs
) -> Dossier:
    """Run transition `name`; `on_applied(dossier)` writes what the transition brings with it
    (in the same transaction, before the audit row and the e-mails).

    Every transition service calls it, in the app that owns the data the transition writes:
    here the editor's and the administration's; reviews/domain/ the evaluation's and the
    commission's; decisions/domain/services.py the ministry's decision."""
    comment = (comment or "").strip()
    with transaction.atomic():
        try:
            locked = (
                Dossier.objects.select_for_update().select_related("service").get(pk=dossier.pk)
            )
        except Dossier.DoesNotExist:
            raise TransitionNotAvailable(_("Ce dossier n'existe plus.")) from None
        if name in FILING_TRANSITIONS:
            # Filing reads the service's orientation: hold its row so it cannot change meanwhile.
            Service.objects.select_for_update().values_list("pk", flat=True).get(
                pk=locked.service_id
            )
        if locked.state != dossier.state:
            raise TransitionConflict(
                _(
                    "Le dossier a été modifié par quelqu'un d'autre entre-temps (il est "
                    "maintenant « %(state)s »). Rechargez la page avant de recommencer."
                )
                % {"state": DossierState(locked.state).label}
            )
        method = getattr(locked, name)
        meta = method._django_fsm
        source = locked.state
        transition = meta.get_transition(source)
        if transition is None or not meta.has_transition(source):
            raise TransitionNotAvailable(
                _("L'action « %(action)s » n'est pas possible sur un dossier « %(state)s ».")
                % {"action": action_label(name), "state": DossierState(source).label}
            )
        if not transition.has_perm(locked, actor):
            raise TransitionForbidden(
                _("Vous n'avez pas le droit d'effectuer l'action « %(action)s » sur ce dossier.")
                % {"action": action_label(name)}
            )
        reasons = [r for c in transition.conditions if (r := condition_reason(c, locked))]
        if reasons:
            raise TransitionBlocked([r or _("Une condition n'est pas remplie.") for r in reasons])
        try:
            method(**kwargs)
        except InvalidTransitionArgument as exc:
            raise TransitionInvalid(str(exc)) from exc
        locked.state_changed_at = timezone.now()
        try:
            locked.save()
        except ConcurrentTransition:
            raise TransitionConflict(
                _(
                    "Le dossier a été modifié par quelqu'un d'autre entre-temps. "
                    "Rechargez la page avant de recommencer."
                )
            ) from None
        if on_applied is not None:
            on_applied(locked)
        log = append_log(
            dossier=locked,
            transition=name,
            from_state=source,
            to_state=locked.state,
            actor=actor,
            comment=comment,
        )
        notify_transition(log=log, dossier=locked)
    return locked


def action_label(name: str) -> str:
    return str(TRANSITIONS[name].label)


def _freezing(name, actor):
    """Filing freezes the answers and evidence as a new revision, in the same transaction;
    complements also close the open request."""

    def freeze(locked):
        revision_freeze(dossier=locked, actor=actor, transition=name)
        if name == "provide_complements":
            locked.complement_requests.open().update(answered_at=timezone.now())

    return freeze


def dossier_submit(*, dossier: Dossier, actor, comment: str = "") -> Dossier:
    return transition_apply(
        "submit",
        dossier=dossier,
        actor=actor,
        comment=comment,
        now=timezone.now(),
        on_applied=_freezing("submit", actor),
    )


def dossier_resubmit(*, dossier: Dossier, actor, comment: str = "") -> Dossier:
    return transition_apply(
        "resubmit",
        dossier=dossier,
        actor=actor,
        comment=comment,
        now=timezone.now(),
        on_applied=_freezing("resubmit", actor),
    )


def dossier_provide_complements(*, dossier: Dossier, actor, comment: str = "") -> Dossier:
    return transition_apply(
        "provide_complements",
        dossier=dossier,
        actor=actor,
        comment=comment,
        on_applied=_freezing("provide_complements", actor),
    )


def dossier_withdraw(*, dossier: Dossier, actor, comment: str = "") -> Dossier:
    return transition_apply("withdraw", dossier=dossier, actor=actor, comment=comment)


def dossier_declare_incomplete(*, dossier: Dossier, actor, comment: str = "") -> Dossier:
    return transition_apply("declare_incomplete", dossier=dossier, actor=actor, comment=comment)


def dossier_start_evaluation(*, dossier: Dossier, actor, comment: str = "") -> Dossier:
    return transition_apply("start_evaluation", dossier=dossier, actor=actor, comment=comment)


def dossier_lift_reservations(*, dossier: Dossier, actor, comment: str = "") -> Dossier:
    return transition_apply("lift_reservations", dossier=dossier, actor=actor, comment=comment)
