"""Problems the public reports on a published service, and their triage by the instruction team.

    new ──report_mark_unfounded──▶ unfounded
     │
     ├──report_send_to_editor──▶ awaiting_editor ──report_answer (editor)──▶ answered
     │                                │                                        │
     │                                │                       report_mark_unfounded (closed)
     └────────────── control_open (catalogue/domain/controls.py) ◀────────────┘──▶ control

- Anyone may report, without an account (`report_create`): at most REPORTS_PER_IP_PER_DAY a
  day from one address and REPORTS_PER_SERVICE_PER_DAY a day on one service, every address
  together; beyond, `ReportRefused` (429) and nothing is stored. The address itself is never
  stored: only `address_hash`, a keyed hash of it and the day (the key derives from
  SECRET_KEY), which cannot be linked from one day to the next.
- Each move is one service: in a transaction, the report's row locked, checked against the
  state the actor saw (409 when someone moved it meanwhile), the permission tested
  (catalogue/rules.py: 403), the move saved with its author (every saved state is kept by
  django-simple-history: the audit of the triage) and its e-mail queued in the same
  transaction.
- Sending a report to the editor gives it REPORT_ANSWER_DAYS days to answer (`answer_due_on`,
  Paris day); the report is overdue past it (`Report.is_overdue`) and the instruction team may
  open a control without waiting.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from applications.domain.exceptions import (
    TransitionConflict,
    TransitionError,
    TransitionForbidden,
    TransitionInvalid,
    TransitionNotAvailable,
)
from applications.rules import user_organisation_ids
from portal.notifications.messenger import notify

from .. import rules as r
from ..enums import REPORT_TODO_STATES, ReportCategory, ReportState
from ..models import Listing, Report

DESCRIPTION_MIN = 20
DESCRIPTION_MAX = 4000
ANSWER_MAX = 5000


class ReportRefused(TransitionError):
    """Too many reports today, from this address or on this service: nothing is stored."""

    status_code = 429


def address_hash(address: str, day) -> str:
    """A keyed hash of the reporter's address and the day (64 hex digits)."""
    return salted_hmac(
        "catalogue.reports.address", f"{day.isoformat()}|{address}", algorithm="sha256"
    ).hexdigest()


def _serialise_address(digest: str) -> None:
    """Hold one lock per address hash until the transaction ends (PostgreSQL), so that two
    reports from one address at once cannot both pass its limit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(digest[:15], 16)])


def report_create(
    *, listing: Listing, category: str, description: str, email: str = "", address: str
) -> Report:
    """Record a report from the public on a listed service (within the day's limits)."""
    description = (description or "").strip()
    if category not in ReportCategory.values or not (
        DESCRIPTION_MIN <= len(description) <= DESCRIPTION_MAX
    ):
        raise TransitionInvalid(_("Le signalement est incomplet."))
    now = timezone.now()
    today = timezone.localdate(now)
    digest = address_hash(address or "", today)
    with transaction.atomic():
        locked = (
            Listing.objects.listed()
            .select_for_update()
            .only("pk", "dossier_id")
            .filter(pk=listing.pk)
            .first()
        )
        if locked is None:
            raise TransitionNotAvailable(_("Ce service n'est plus au catalogue."))
        _serialise_address(digest)
        from_address = Report.objects.filter(address_hash=digest, created_on=today).count()
        if from_address >= settings.REPORTS_PER_IP_PER_DAY:
            raise ReportRefused(
                _(
                    "Vous avez envoyé le nombre maximal de signalements pour aujourd'hui. "
                    "Réessayez demain ; votre signalement n'a pas été enregistré."
                )
            )
        on_service = Report.objects.filter(listing=locked, created_on=today).count()
        if on_service >= settings.REPORTS_PER_SERVICE_PER_DAY:
            raise ReportRefused(
                _(
                    "Ce service a déjà reçu de nombreux signalements aujourd'hui : l'équipe "
                    "référencement les examine. Réessayez demain si le vôtre apporte un "
                    "élément nouveau ; il n'a pas été enregistré."
                )
            )
        report = Report(
            listing=locked,
            dossier_id=locked.dossier_id,
            category=category,
            description=description,
            email=(email or "").strip(),
            address_hash=digest,
            created_on=today,
            created_at=now,
        )
        report._history_user = None  # anonymous: « le public »
        report.save()
    return report


# -- the triage ----------------------------------------------------------------------------------


def locked_report(report: Report, *, actor, allowed, role, action: str) -> Report:
    """The report's row, locked; TransitionConflict if it moved since the actor saw it,
    TransitionForbidden if `role` refuses the actor, TransitionNotAvailable if `allowed`
    (role and state) still does."""
    locked = (
        Report.objects.select_for_update(of=("self",))
        .select_related("listing__service", "dossier__service", "triaged_by")
        .filter(pk=report.pk)
        .first()
    )
    if locked is None:
        raise TransitionNotAvailable(_("Ce signalement n'existe plus."))
    if locked.state != report.state:
        raise TransitionConflict(
            _(
                "Le signalement a été traité par quelqu'un d'autre entre-temps (il est "
                "maintenant « %(state)s »). Rechargez la page avant de recommencer."
            )
            % {"state": locked.get_state_display()}
        )
    if not role.test(actor, locked):
        raise TransitionForbidden(
            _("Vous n'avez pas le droit d'effectuer l'action « %(action)s » sur ce signalement.")
            % {"action": action}
        )
    if not allowed.test(actor, locked):
        raise TransitionNotAvailable(
            _("L'action « %(action)s » n'est pas possible sur un signalement « %(state)s ».")
            % {"action": action, "state": locked.get_state_display()}
        )
    return locked


def required_text(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise TransitionInvalid(message)
    return text


def _save(report: Report, actor, fields: list[str]) -> None:
    report._history_user = actor
    report.save(update_fields=fields)


def report_mark_unfounded(*, report: Report, actor, reason: str) -> Report:
    """Close the report as unfounded, with the reason (a new one, or one the editor's answer
    settled)."""
    reason = required_text(reason, _("Indiquez pourquoi le signalement n'est pas fondé."))
    with transaction.atomic():
        locked = locked_report(
            report,
            actor=actor,
            allowed=r.can_mark_report_unfounded,
            role=r.report_triager,
            action=_("classer non fondé"),
        )
        locked.state = ReportState.UNFOUNDED
        locked.unfounded_reason = reason
        locked.triaged_by, locked.triaged_at = actor, timezone.now()
        _save(locked, actor, ["state", "unfounded_reason", "triaged_by", "triaged_at"])
    return locked


def report_send_to_editor(*, report: Report, actor, question: str) -> Report:
    """Ask the editor's members to answer the report within REPORT_ANSWER_DAYS days."""
    question = required_text(question, _("Indiquez ce que vous demandez à l'éditeur."))
    with transaction.atomic():
        locked = locked_report(
            report,
            actor=actor,
            allowed=r.can_send_report_to_editor,
            role=r.report_triager,
            action=_("transmettre à l'éditeur"),
        )
        now = timezone.now()
        locked.state = ReportState.AWAITING_EDITOR
        locked.editor_question = question
        locked.triaged_by, locked.triaged_at = actor, now
        locked.sent_to_editor_at = now
        locked.answer_due_on = timezone.localdate(now) + timedelta(days=settings.REPORT_ANSWER_DAYS)
        _save(
            locked,
            actor,
            [
                "state",
                "editor_question",
                "triaged_by",
                "triaged_at",
                "sent_to_editor_at",
                "answer_due_on",
            ],
        )
        notify("report_answer_requested", dossier=locked.dossier, actor=actor, report=locked)
    return locked


def report_answer(*, report: Report, actor, answer: str) -> Report:
    """The editor's answer to a report sent to it (late answers are accepted and shown late)."""
    answer = required_text(answer, _("Rédigez votre réponse."))
    if len(answer) > ANSWER_MAX:
        raise TransitionInvalid(_("La réponse est trop longue."))
    with transaction.atomic():
        locked = locked_report(
            report,
            actor=actor,
            allowed=r.can_answer_report,
            role=r.report_editor,
            action=_("répondre"),
        )
        locked.state = ReportState.ANSWERED
        locked.editor_answer = answer
        locked.answered_by, locked.answered_at = actor, timezone.now()
        _save(locked, actor, ["state", "editor_answer", "answered_by", "answered_at"])
        notify("report_answered", dossier=locked.dossier, actor=actor, report=locked)
    return locked


# -- reads ---------------------------------------------------------------------------------------


def reports_visible_to(user) -> QuerySet[Report]:
    """The reports `user` may open: all of them for the instruction team, the ministry and the
    administration; for an editor, those sent to its organisations; none otherwise (404)."""
    if not (user.is_authenticated and user.is_active):
        return Report.objects.none()
    if r.report_staff.test(user):
        return Report.objects.all()
    if r.is_editor.test(user):
        return Report.objects.filter(
            listing__service__organisation_id__in=user_organisation_ids(user),
            sent_to_editor_at__isnull=False,
        )
    return Report.objects.none()


def reports_for_list(user, *, state: str | None = None) -> QuerySet[Report]:
    """The list's rows: what awaits the instruction team first (new, then answered), then the
    rest, the most recent first within each; for an editor, what awaits its answer first."""
    first = REPORT_TODO_STATES if r.report_staff.test(user) else (ReportState.AWAITING_EDITOR,)
    queryset = reports_visible_to(user)
    if state:
        queryset = queryset.filter(state=state)
    return (
        queryset.select_related("listing__card")
        .only(
            "pk",
            "category",
            "state",
            "created_at",
            "answer_due_on",
            "listing__slug",
            "listing__card__name",
        )
        .annotate(
            todo=Case(
                *[When(state=s, then=Value(i)) for i, s in enumerate(first)],
                default=Value(len(first)),
                output_field=IntegerField(),
            )
        )
        .order_by("todo", "-created_at", "-pk")
    )


def report_for_page(user, pk: int) -> Report | None:
    return (
        reports_visible_to(user)
        .select_related(
            "listing__card",
            "listing__service__organisation",
            "dossier",
            "triaged_by",
            "answered_by",
            "control",
        )
        .filter(pk=pk)
        .first()
    )
