"""The message fan-out: one event → its recipients → its template pair → one outbox row each."""

import pytest
from django.conf import settings
from django.db import transaction
from django.template.loader import get_template
from django.utils import translation

from applications.enums import DossierState
from applications.models import TransitionLog
from portal.notifications.messenger import (
    EVENTS,
    UnknownEvent,
    notification_recipients,
    notification_render,
    notify,
)
from portal.notifications.models import OutboxMessage
from portal.notifications.services import outbox_enqueue
from portal.organisations.models import Invitation
from reviews.models import Assignment
from tests.factories import staff_user
from tests.factories.dossiers import dossier_in_state
from tests.factories.people import editor

S = DossierState
pytestmark = pytest.mark.django_db
PORTAL = settings.PORTAL_BASE_URL.rstrip("/")


def _transition():
    dossier, cast = dossier_in_state(S.SUBMITTED)
    log = TransitionLog.objects.filter(dossier=dossier).order_by("-seq").first()
    return {"dossier": dossier, "actor": cast.editor, "log": log}, f"Dossier {dossier.reference}"


def _filed():
    context, _shown = _transition()
    return context, f"dossier {context['dossier'].reference} déposé"


def _decision_ready():
    from tests.decisions.helpers import decided

    decision, dossier, _cast = decided()
    return {"dossier": dossier, "decision": decision}, f"Décision n° {decision.number}"


def _assignment():
    dossier, _cast = dossier_in_state(S.UNDER_EVALUATION)
    return Assignment.objects.filter(dossier=dossier).first()


def _assignment_changed():
    from datetime import date

    from reviews.models import AssignmentChange

    assignment = _assignment()
    change = AssignmentChange(
        assignment=assignment,
        dossier=assignment.dossier,
        domain=assignment.domain,
        kind="due_date",
        previous_expert=assignment.expert,
        new_due_on=date(2030, 1, 15),
        reason="Disponibilité de l'expert.",
    )
    context = {"actor": assignment.assigned_by, "assignment": assignment, "change": change}
    return context, assignment.dossier.service.name


def _conflict_declared():
    assignment = _assignment()
    context = {"dossier": assignment.dossier, "actor": assignment.expert, "assignment": assignment}
    return context, "Conflit d'intérêts déclaré"


def _declaration_expected():
    assignment = _assignment()
    context = {"actor": assignment.assigned_by, "assignment": assignment}
    return context, assignment.dossier.service.name


def _invitation():
    dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    invitation = Invitation.objects.create(
        organisation=dossier.service.organisation,
        email="invitee@exemple.test",
        token_hash="0" * 64,
        invited_by=cast.editor,
    )
    context = {"actor": cast.editor, "invitation": invitation, "token": "jeton"}
    return context, "Invitation à rejoindre"


def _card(state):
    def example():
        from tests.factories.catalogue import card_in_state

        card, _service, cast = card_in_state(state)
        actor = cast.editor if state == "in_review" else cast.admin
        return {"actor": actor, "card": card}, card.name

    return example


def _convention(step):
    def example():
        from tests.factories import conventions

        options = {"render": False} if step == "drawn_up" else {}
        convention, cast = getattr(conventions, step)(**options)
        actor = {"drawn_up": None, "accepted": cast.editor, "signed": cast.admin}[step]
        context = {"dossier": convention.dossier, "convention": convention}
        if actor is not None:
            context["actor"] = actor
        return context, f"Convention n° {convention.number}"

    return example


def _expiry(event):
    def example():
        from datetime import date

        from tests.catalogue.helpers import published

        dossier, _cast, listing = published()
        context = {"dossier": dossier, "listing": listing, "expires_on": date(2029, 3, 9)}
        if event == "reminder":
            context["months_before"] = 3
        else:
            context.update(grace_until=date(2029, 9, 9), renewal=dossier)
        return context, listing.card.name

    return example


def _report(step):
    def example():
        from catalogue.domain import controls, reports
        from tests.catalogue.helpers import published
        from tests.catalogue.report_tools import report_on

        dossier, cast, listing = published()
        report = reports.report_send_to_editor(
            report=report_on(listing), actor=cast.instructor, question="Précisez."
        )
        if step == "requested":
            return {"dossier": dossier, "actor": cast.instructor, "report": report}, "Signalement"
        report = reports.report_answer(report=report, actor=cast.editor, answer="Voilà.")
        if step == "answered":
            context = {"dossier": dossier, "actor": cast.editor, "report": report}
            return context, f"Signalement n° {report.pk}"
        control = controls.control_open(report=report, actor=cast.instructor)
        requirement = controls.control_requirements(control)[0]
        controls.finding_record(
            control=control,
            actor=cast.instructor,
            requirement_id=requirement.pk,
            verdict="non_compliant",
            text="Manquement.",
        )
        control = controls.control_conclude(
            control=control, actor=cast.instructor, conclusion="Grave.", proposes_suspension=True
        )
        context = {"dossier": dossier, "actor": cast.instructor, "control": control}
        return context, "Suspension proposée"

    return example


def _change(step):
    def example():
        from changes.domain.qualification import change_qualify
        from changes.domain.requests import change_request_create
        from changes.enums import Qualification
        from tests.changes.helpers import declared, published

        dossier, cast = published()
        name = dossier.service.name
        if step == "requested":
            request = change_request_create(
                dossier=dossier, actor=cast.instructor, description="Nouvelle fonction."
            )
            return {"dossier": dossier, "actor": cast.instructor, "change_request": request}, name
        declaration = declared(dossier, cast.editor)
        if step == "declared":
            return {"dossier": dossier, "actor": cast.editor, "declaration": declaration}, name
        outcome = Qualification.PARTIAL_REVIEW if step == "partial" else Qualification.EDITORIAL
        declaration = change_qualify(
            declaration=declaration, actor=cast.instructor, outcome=outcome, reason="Vu."
        )
        context = {"dossier": dossier, "actor": cast.instructor, "declaration": declaration}
        if step == "partial":
            context["reviews"] = list(declaration.partial_reviews.all())
        return context, name

    return example


def _reevaluation(event):
    def example():
        from changes.domain.partial_reviews import (
            change_review_close,
            partial_review_declare,
            partial_review_replace,
        )
        from tests.changes.helpers import published
        from tests.factories.changes_reviews import in_partial_review, review_signed, update_sent
        from tests.factories.people import expert

        dossier, cast = published()
        name = dossier.service.name
        declaration = in_partial_review(dossier, cast)
        review = declaration.partial_reviews.select_related("declaration", "expert").get()
        if event == "change_update_arrived":
            declaration = update_sent(declaration, cast.editor)
            reviews = list(declaration.partial_reviews.select_related("expert"))
            context = {"declaration": declaration, "reviews": reviews}
            return {"dossier": dossier, "actor": cast.editor, **context}, name
        if event in ("change_partial_review_assigned", "change_partial_review_conflict"):
            review = partial_review_replace(
                review=review, expert=expert(review.domain), actor=cast.instructor, reason="Absent."
            )
            if event == "change_partial_review_assigned":
                return {"dossier": dossier, "actor": cast.instructor, "review": review}, name
            newcomer = review.expert
            review = partial_review_declare(
                review=review, actor=newcomer, conflict=True, details="Ancien associé."
            )
            context = {"declaration": declaration, "review": review}
            return {"dossier": dossier, "actor": newcomer, **context}, name
        declaration = update_sent(declaration, cast.editor)
        review_signed(declaration.partial_reviews.select_related("declaration", "expert").get())
        declaration = change_review_close(
            declaration=declaration, actor=cast.instructor, outcome="rejected", reason="Non."
        )
        return {"dossier": dossier, "actor": cast.instructor, "declaration": declaration}, name

    return example


def _stage(event):
    def example():
        from sandbox.enums import StageKind
        from sandbox.models import TestStage
        from tests.changes.helpers import published

        dossier, cast = published()
        stage = TestStage.objects.create(dossier=dossier, kind=StageKind.UNIT)
        actor = cast.editor if event == "requested" else cast.instructor
        return {"dossier": dossier, "actor": actor, "stage": stage}, dossier.reference

    return example


#: One way to raise each registered event, and a text its subject must show.
EXAMPLES = {
    "change_declared": _change("declared"),
    "change_qualified": _change("qualified"),
    "change_partial_review": _change("partial"),
    "change_requested": _change("requested"),
    "change_update_arrived": _reevaluation("change_update_arrived"),
    "change_partial_review_assigned": _reevaluation("change_partial_review_assigned"),
    "change_partial_review_conflict": _reevaluation("change_partial_review_conflict"),
    "change_review_closed": _reevaluation("change_review_closed"),
    "test_stage_validation_requested": _stage("requested"),
    "test_stage_validated": _stage("validated"),
    "test_stage_rejected": _stage("rejected"),
    "assignment_withdrawn": _assignment_changed,
    "assignment_due_date_changed": _assignment_changed,
    "dossier_transition": _transition,
    "dossier_filed": _filed,
    "decision_ready": _decision_ready,
    "conflict_declared": _conflict_declared,
    "assignment_declaration_expected": _declaration_expected,
    "invitation": _invitation,
    "card_submitted": _card("in_review"),
    "card_changes_requested": _card("changes_requested"),
    "card_approved": _card("approved"),
    "convention_ready": _convention("drawn_up"),
    "convention_accepted": _convention("accepted"),
    "convention_signed": _convention("signed"),
    "referencing_expiry_reminder": _expiry("reminder"),
    "referencing_expiry_grace": _expiry("grace"),
    "report_answer_requested": _report("requested"),
    "report_answered": _report("answered"),
    "report_suspension_proposed": _report("proposed"),
}


def test_every_registered_event_has_an_example_here():
    assert set(EVENTS) == set(EXAMPLES)


def test_unknown_event_raises():
    with pytest.raises(UnknownEvent):
        notify("no_such_event", dossier=None)
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize("event", sorted(EXAMPLES))
def test_event_renders_its_template_pair_in_french_with_a_one_line_subject(event):
    context, shown = EXAMPLES[event]()
    get_template(f"notifications/{event}_subject.txt")
    get_template(f"notifications/{event}_body.txt")

    with translation.override("en"):
        subject, body = notification_render(event, **context)

    assert "\n" not in subject and "\r" not in subject
    assert shown in subject
    assert subject == subject.strip()
    assert "Bonjour," in body  # French whatever the caller's language
    if EVENTS[event].link is not None:
        assert f"{PORTAL}/" in body


@pytest.mark.parametrize("event", sorted(EXAMPLES))
def test_event_queues_one_outbox_row_per_recipient(event, django_capture_on_commit_callbacks):
    context, _shown = EXAMPLES[event]()
    expected = notification_recipients(event, **context)
    assert expected
    OutboxMessage.objects.all().delete()

    with django_capture_on_commit_callbacks() as callbacks:
        messages = notify(event, **context)

    rows = list(OutboxMessage.objects.all())
    assert sorted(m.to for m in rows) == sorted(expected)  # one row each, nobody twice
    assert len({(m.subject, m.body) for m in rows}) == 1  # rendered once for all
    assert {m.pk for m in messages} == {m.pk for m in rows}
    assert len(callbacks) == len(rows)  # each handed to Celery after commit


def test_actor_is_not_told_of_their_own_act():
    dossier, cast = dossier_in_state(S.WITHDRAWN)
    log = TransitionLog.objects.filter(dossier=dossier).order_by("-seq").first()
    context = {"dossier": dossier, "actor": cast.editor, "log": log}
    actor = cast.editor
    colleague = editor(dossier.service.organisation)

    told = notification_recipients("dossier_transition", **context)

    assert actor.email not in told
    assert colleague.email in told
    assert EVENTS["dossier_transition"].exclude_actor


def test_event_without_actor_exclusion_keeps_the_actor():
    context, _shown = _conflict_declared()
    instructor = staff_user("instructor")

    told = notification_recipients("conflict_declared", **{**context, "actor": instructor})

    assert instructor.email in told


class Exploding:
    def __getattr__(self, name):
        raise RuntimeError("rendu impossible")


def test_failure_to_render_writes_nothing_in_the_callers_transaction():
    context, _shown = _conflict_declared()
    staff_user("instructor")
    assert len(notification_recipients("conflict_declared", **context)) >= 2
    OutboxMessage.objects.all().delete()

    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(to="autre@exemple.test", subject="Écrit avant", body="…")
        notify("conflict_declared", **{**context, "assignment": Exploding()})

    assert not OutboxMessage.objects.exists()


def test_failure_to_render_writes_no_row_even_outside_a_transaction():
    context, _shown = _conflict_declared()
    OutboxMessage.objects.all().delete()

    with pytest.raises(RuntimeError):
        notify("conflict_declared", **{**context, "assignment": Exploding()})

    assert not OutboxMessage.objects.exists()
