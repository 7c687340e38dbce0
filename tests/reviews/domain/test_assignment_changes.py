"""Instructors change an assignment's expert or its due date (reviews/domain/assignments.py):
allowed while the domain's evaluation is not signed, with a reason, audited (a change row and
the assignments' history), told to the experts concerned; refused otherwise, nothing written."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from applications.enums import DossierState
from portal.notifications.models import OutboxMessage
from reviews.domain.assignments import (
    assignment_change_blocker,
    assignment_change_due_date,
    assignment_replace_expert,
)
from reviews.models import Assignment, AssignmentChange, ExpertConflict
from reviews.rules import cleared_assignment
from tests.assertions import assert_nothing_changed
from tests.factories import expert, staff_user
from tests.factories.dossiers import dossier_in_state

S = DossierState
pytestmark = pytest.mark.django_db
DOMAIN = "ethics"


@pytest.fixture
def evaluating():
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    assignment = Assignment.objects.get(dossier=dossier, domain=DOMAIN)
    Assignment.objects.filter(pk=assignment.pk).update(
        due_on=timezone.localdate() + timedelta(days=10)
    )
    assignment.refresh_from_db()
    return dossier, cast, assignment


def test_replacing_the_expert_releases_the_old_assignment_and_invites_the_new_expert(evaluating):
    dossier, cast, assignment = evaluating
    previous = assignment.expert
    newcomer = expert(DOMAIN)

    replacement = assignment_replace_expert(
        assignment=assignment, expert=newcomer, actor=cast.instructor, reason="Indisponible."
    )

    assignment.refresh_from_db()
    assert assignment.released_at is not None
    assert (replacement.expert, replacement.domain, replacement.due_on) == (
        newcomer,
        DOMAIN,
        assignment.due_on,
    )
    assert replacement.conflict_status == "pending"  # the declaration comes first
    assert replacement.assigned_by == cast.instructor
    # The old expert loses access at once; the new one once they declare.
    assert cleared_assignment(previous, dossier, DOMAIN) is None
    assert cleared_assignment(newcomer, dossier, DOMAIN) is None
    change = AssignmentChange.objects.get(dossier=dossier)
    assert (change.kind, change.assignment, change.replacement) == (
        "expert",
        assignment,
        replacement,
    )
    assert (change.previous_expert, change.new_expert, change.actor, change.reason) == (
        previous,
        newcomer,
        cast.instructor,
        "Indisponible.",
    )
    reasons = set(
        Assignment.history.filter(dossier_id=dossier.pk, domain=DOMAIN).values_list(
            "history_change_reason", flat=True
        )
    )
    assert "Indisponible." in reasons
    withdrawn = OutboxMessage.objects.get(to=previous.email, subject__contains="retirée")
    assert "Indisponible." in withdrawn.body
    assert dossier.reference not in withdrawn.body
    (invited,) = OutboxMessage.objects.filter(to=newcomer.email)
    assert "déclaration d'intérêts" in invited.subject


def test_changing_the_due_date_is_recorded_and_told_to_the_expert(evaluating):
    dossier, cast, assignment = evaluating
    previous = assignment.due_on
    later = timezone.localdate() + timedelta(days=30)

    changed = assignment_change_due_date(
        assignment=assignment, due_on=later, actor=cast.instructor, reason="Dossier volumineux."
    )

    assert changed.due_on == later
    assignment.refresh_from_db()
    assert assignment.due_on == later and assignment.released_at is None
    change = AssignmentChange.objects.get(dossier=dossier)
    assert (change.kind, change.previous_due_on, change.new_due_on) == ("due_date", previous, later)
    message = OutboxMessage.objects.get(
        to=assignment.expert.email, subject__contains="nouvelle date de rendu"
    )
    assert "Dossier volumineux." in message.body
    assert "/mes-evaluations/" in message.body


def test_today_is_a_valid_due_date(evaluating):
    _dossier, cast, assignment = evaluating
    today = timezone.localdate()
    assert (
        assignment_change_due_date(
            assignment=assignment, due_on=today, actor=cast.instructor, reason="Urgent."
        ).due_on
        == today
    )


def _refused(assignment, call, message):
    with (
        assert_nothing_changed(
            assignment.dossier, tables=(Assignment, AssignmentChange), rows=(assignment,)
        ),
        pytest.raises((ValidationError, PermissionDenied)) as raised,
    ):
        call()
    assert message in " ".join(getattr(raised.value, "messages", [str(raised.value)]))


def test_the_due_date_may_not_be_past_nor_unchanged_nor_without_a_reason(evaluating):
    _dossier, cast, assignment = evaluating
    yesterday = timezone.localdate() - timedelta(days=1)
    change = assignment_change_due_date
    _refused(
        assignment,
        lambda: change(assignment=assignment, due_on=yesterday, actor=cast.instructor, reason="x"),
        "ne peut pas être passée",
    )
    _refused(
        assignment,
        lambda: change(
            assignment=assignment, due_on=assignment.due_on, actor=cast.instructor, reason="x"
        ),
        "déjà la date de rendu",
    )
    _refused(
        assignment,
        lambda: change(
            assignment=assignment,
            due_on=yesterday + timedelta(days=20),
            actor=cast.instructor,
            reason="  ",
        ),
        "motif",
    )


def test_only_an_instructor_changes_an_assignment(evaluating):
    _dossier, cast, assignment = evaluating
    for person in (cast.editor, cast.experts[DOMAIN], cast.ministry):
        _refused(
            assignment,
            lambda person=person: assignment_replace_expert(
                assignment=assignment, expert=expert(DOMAIN), actor=person, reason="x"
            ),
            "équipe d'instruction",
        )


def test_the_expert_is_not_replaced_once_their_evaluation_is_signed():
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    cast.evaluate(dossier)  # every domain signed
    assignment = Assignment.objects.get(dossier=dossier, domain=DOMAIN, released_at__isnull=True)

    assert "signée" in assignment_change_blocker(assignment)
    _refused(
        assignment,
        lambda: assignment_replace_expert(
            assignment=assignment, expert=expert(DOMAIN), actor=cast.instructor, reason="x"
        ),
        "signée",
    )
    _refused(
        assignment,
        lambda: assignment_change_due_date(
            assignment=assignment,
            due_on=timezone.localdate() + timedelta(days=3),
            actor=cast.instructor,
            reason="x",
        ),
        "signée",
    )


def test_the_new_expert_must_be_eligible_and_another_one(evaluating):
    dossier, cast, assignment = evaluating
    other_domain = expert("rgpd")
    conflicted = expert(DOMAIN)
    ExpertConflict.objects.create(
        expert=conflicted, organisation=dossier.service.organisation, details="Ancien salarié."
    )
    inactive = expert(DOMAIN, is_active=False)
    for person in (other_domain, conflicted, inactive):
        _refused(
            assignment,
            lambda person=person: assignment_replace_expert(
                assignment=assignment, expert=person, actor=cast.instructor, reason="x"
            ),
            "Impossible d'affecter",
        )
    _refused(
        assignment,
        lambda: assignment_replace_expert(
            assignment=assignment, expert=assignment.expert, actor=cast.instructor, reason="x"
        ),
        "autre expert",
    )


def test_a_released_assignment_and_a_later_stage_are_not_changed():
    dossier, cast = dossier_in_state(S.EVALUATED)
    assignment = Assignment.objects.get(dossier=dossier, domain=DOMAIN)
    _refused(
        assignment,
        lambda: assignment_replace_expert(
            assignment=assignment, expert=expert(DOMAIN), actor=cast.instructor, reason="x"
        ),
        "",
    )
    submitted, cast = dossier_in_state(S.SUBMITTED)
    released = Assignment.objects.create(
        dossier=submitted,
        domain=DOMAIN,
        expert=expert(DOMAIN),
        released_at=timezone.now(),
        conflict_status="conflict",
    )
    assert "plus active" in assignment_change_blocker(released)
    _refused(
        released,
        lambda: assignment_change_due_date(
            assignment=released,
            due_on=timezone.localdate() + timedelta(days=3),
            actor=cast.instructor,
            reason="x",
        ),
        "plus active",
    )


def test_a_replaced_expert_can_be_replaced_again(evaluating):
    dossier, cast, assignment = evaluating
    first = assignment_replace_expert(
        assignment=assignment, expert=expert(DOMAIN), actor=cast.instructor, reason="Un."
    )
    second = assignment_replace_expert(
        assignment=first, expert=expert(DOMAIN), actor=staff_user("instructor"), reason="Deux."
    )
    assert Assignment.objects.active().get(dossier=dossier, domain=DOMAIN) == second
    assert AssignmentChange.objects.filter(dossier=dossier).count() == 2
