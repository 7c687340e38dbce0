"""The instructors' and the experts' queues: order, deadlines, lateness, access, and a query count
that does not grow with the number of rows."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.enums import DossierState
from applications.models import Dossier
from reviews.models import Assignment
from tests.factories import OrganisationFactory, editor, expert, staff_user
from tests.factories.dossiers import dossier_in_state
from tests.reviews.helpers import text

S = DossierState
pytestmark = pytest.mark.django_db

QUEUE = reverse("reviews:instructor-queue")
EXPERT_QUEUE = reverse("reviews:expert-queue")


def _age(dossier, days):
    """Moved to its state `days` calendar days ago in Paris, at noon: the queue counts days on the
    calendar, and `now - days × 24 h` is one day more just after midnight when the clocks changed
    in between (tests/dates.py)."""
    day = timezone.localdate() - timedelta(days=days)
    Dossier.objects.filter(pk=dossier.pk).update(
        state_changed_at=timezone.make_aware(datetime.combine(day, time(12)))
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_instructor_queue_lists_the_oldest_first_with_deadline_and_lateness(client, settings):
    settings.STAGE_DEADLINE_DAYS = {**settings.STAGE_DEADLINE_DAYS, "submitted": 15}
    recent, cast = dossier_in_state(S.SUBMITTED)
    late, _cast = dossier_in_state(S.SUBMITTED)
    _age(recent, 3)
    _age(late, 20)
    client.force_login(cast.instructor)

    page = text(client.get(QUEUE))

    assert page.index(late.reference) < page.index(recent.reference)
    assert "en retard de 5 jours" in page
    assert "20 jours" in page and "3 jours" in page
    assert "Déposé (2) — 1 en retard" in page
    assert page.count("en retard de") == 1


def test_instructor_queue_has_a_tab_per_instruction_state(client):
    submitted, cast = dossier_in_state(S.SUBMITTED)
    evaluating, _cast = dossier_in_state(S.UNDER_EVALUATION)
    client.force_login(cast.instructor)

    first = text(client.get(QUEUE))
    second = text(client.get(QUEUE, {"etat": "under_evaluation"}))

    assert submitted.reference in first and evaluating.reference not in first
    assert evaluating.reference in second and submitted.reference not in second
    assert "3 / 3" in second  # experts on every domain


def test_instructor_queue_is_for_instructors_only(client):
    dossier_in_state(S.SUBMITTED)
    client.force_login(editor(OrganisationFactory()))
    assert client.get(QUEUE).status_code == 403
    client.force_login(expert("ethics"))
    assert client.get(QUEUE).status_code == 403


def test_instructor_queue_query_count_does_not_grow_with_the_dossiers(client):
    instructor = staff_user("instructor")
    client.force_login(instructor)
    dossier_in_state(S.SUBMITTED)
    one = _queries(client, QUEUE)
    dossier_in_state(S.SUBMITTED)
    dossier_in_state(S.SUBMITTED)
    assert Dossier.objects.filter(state=S.SUBMITTED).count() == 3
    assert _queries(client, QUEUE) == one


def test_instructor_queue_is_paginated_by_25(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    client.force_login(cast.instructor)
    response = client.get(QUEUE)
    assert response.context["page"].paginator.per_page == 25


def _assign_all(person, dossiers, due_on=None):
    for dossier in dossiers:
        Assignment.objects.create(dossier=dossier, expert=person, domain="ethics", due_on=due_on)


def test_expert_queue_lists_their_active_assignments_only(client):
    mine, _cast = dossier_in_state(S.SUBMITTED)
    other, _cast = dossier_in_state(S.SUBMITTED)
    person = expert("ethics")
    _assign_all(person, [mine], due_on=timezone.localdate() - timedelta(days=2))
    released = Assignment.objects.create(
        dossier=other, expert=person, domain="rgpd", released_at=timezone.now()
    )
    client.force_login(person)

    page = text(client.get(EXPERT_QUEUE))

    assert mine.service.name in page
    assert other.service.name not in page, released
    assert "Déclaration attendue" in page
    assert "en retard de 2 jours" in page
    assert "Déclarer mes intérêts" in page


def test_expert_queue_query_count_does_not_grow_with_the_assignments(client):
    person = expert("ethics")
    client.force_login(person)
    first, _cast = dossier_in_state(S.SUBMITTED)
    _assign_all(person, [first], due_on=timezone.localdate())
    one = _queries(client, EXPERT_QUEUE)
    more = [dossier_in_state(S.SUBMITTED)[0] for _ in range(2)]
    _assign_all(person, more, due_on=timezone.localdate())
    Assignment.objects.filter(dossier=more[0]).update(conflict_status="none")
    assert _queries(client, EXPERT_QUEUE) == one


def test_expert_queue_is_for_experts_only(client):
    client.force_login(staff_user("instructor"))
    assert client.get(EXPERT_QUEUE).status_code == 403


def test_navigation_links_follow_the_roles(client):
    instructor_link = f'href="{reverse("reviews:instructor-queue")}"'
    expert_link = f'href="{reverse("reviews:expert-queue")}"'
    client.force_login(staff_user("instructor"))
    page = client.get(reverse("home")).content.decode()
    assert instructor_link in page and expert_link not in page
    assert "File d&#x27;instruction" in page or "File d'instruction" in page
    client.force_login(expert("rgpd"))
    page = client.get(reverse("home")).content.decode()
    assert expert_link in page and instructor_link not in page
