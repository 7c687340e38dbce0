"""The instructors' and the experts' queues: order, deadlines, lateness, access, and a query count
that does not grow with the number of rows."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.enums import DossierState
from applications.models import Dossier, Service
from portal.organisations.models import Organisation
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


# ---------------------------------------------------------------------------------------------
# Search and views (issue 11)
# ---------------------------------------------------------------------------------------------


def test_instructor_queue_search_filters_rows_and_tab_counts(client):
    wanted, cast = dossier_in_state(S.SUBMITTED)
    other, _cast = dossier_in_state(S.SUBMITTED)
    evaluating, _cast = dossier_in_state(
        S.UNDER_EVALUATION, organisation=wanted.service.organisation
    )
    client.force_login(cast.instructor)
    name = "Pharmacie Lumière"  # (the factories' names differ by a number only)
    Organisation.objects.filter(pk=wanted.service.organisation_id).update(name=name)

    response = client.get(QUEUE, {"q": name})
    page = text(response)

    assert wanted.reference in page and other.reference not in page
    assert "Déposé (1)" in page and "En évaluation (1)" in page
    assert f"1 dossier correspond à « {name} »" in page
    assert 'href="?etat=under_evaluation&amp;q=' in response.content.decode()
    by_reference = text(client.get(QUEUE, {"q": other.reference.lower()}))
    assert other.reference in by_reference and wanted.reference not in by_reference
    assert evaluating.reference in text(client.get(QUEUE, {"q": name, "etat": "under_evaluation"}))
    empty = text(client.get(QUEUE, {"q": "introuvable"}))
    assert "Aucun dossier ne correspond à « introuvable »." in empty


def test_expert_queue_views_split_the_to_do_from_the_signed_and_the_finished(client):
    from reviews.models import DomainEvaluation

    person = expert("ethics")
    todo, _cast = dossier_in_state(S.UNDER_EVALUATION)
    signed, _cast = dossier_in_state(S.UNDER_EVALUATION)
    finished, _cast = dossier_in_state(S.EVALUATED)
    for dossier in (todo, signed, finished):
        Assignment.objects.filter(dossier=dossier, domain="ethics").update(expert=person)
    assert DomainEvaluation.objects.filter(dossier=finished, domain="ethics").exists()
    DomainEvaluation.objects.create(
        dossier=signed,
        domain="ethics",
        expert=person,
        conclusion="favorable",
        synthesis="Signée.",
        revision_number=1,
    )
    Service.objects.filter(pk=todo.service_id).update(name="Hypnos Conseil")
    client.force_login(person)

    def names(**params):
        return {
            row.assignment.dossier_id
            for row in client.get(EXPERT_QUEUE, params).context["page"].object_list
        }

    assert names() == {todo.pk}
    assert names(vue="signees") == {signed.pk}
    assert names(vue="terminees") == {finished.pk}
    assert names(vue="toutes") == {todo.pk, signed.pk, finished.pk}
    assert names(vue="inconnue") == {todo.pk}
    assert names(vue="toutes", q="hypnos") == {todo.pk}
    assert names(vue="toutes", q=todo.reference[2:]) == {todo.pk}


def test_expert_queue_search_spares_the_reference_before_the_declaration(client):
    pending, _cast = dossier_in_state(S.SUBMITTED)
    person = expert("ethics")
    Assignment.objects.create(dossier=pending, expert=person, domain="ethics")
    Service.objects.filter(pk=pending.service_id).update(name="Hypnos Conseil")
    client.force_login(person)

    by_name = client.get(EXPERT_QUEUE, {"q": "Hypnos"})
    by_reference = client.get(EXPERT_QUEUE, {"q": pending.reference})

    assert len(by_name.context["page"].object_list) == 1
    assert len(by_reference.context["page"].object_list) == 0
    assert pending.reference not in text(by_name)


def _bulk_assignments(person, count):
    from applications.models import Dossier
    from tests.factories import ServiceFactory

    services = [ServiceFactory(organisation=OrganisationFactory()) for _ in range(3)]
    now = timezone.now()
    dossiers = Dossier.objects.bulk_create(
        Dossier(
            service=services[n % 3],
            reference=f"E-{count}-{n:04d}",
            state=S.UNDER_EVALUATION,
            created_by=person,
            state_changed_at=now,
        )
        for n in range(count)
    )
    Assignment.objects.bulk_create(
        Assignment(
            dossier=dossier,
            expert=person,
            domain="ethics",
            due_on=timezone.localdate() + timedelta(days=n % 9),
            conflict_status="none" if n % 2 else "pending",
        )
        for n, dossier in enumerate(dossiers)
    )


@pytest.mark.parametrize("params", [{}, {"q": "service"}, {"vue": "terminees"}, {"vue": "toutes"}])
def test_expert_queue_queries_are_the_same_at_10_and_40_assignments(client, params):
    person = expert("ethics")
    client.force_login(person)
    url = EXPERT_QUEUE + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
    _bulk_assignments(person, 10)
    ten = _queries(client, url)
    _bulk_assignments(person, 30)
    assert _queries(client, url) == ten
