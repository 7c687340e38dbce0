"""What the home page costs (issue 14): its rows read only what the table shows and write each
state's label once per page, its panels answer the usual « nothing » in one query, their
counters stay exact (portal/views.py, changes/domain/queries.py,
templates/applications/dossier/_table.html)."""

import re
from datetime import timedelta
from itertools import count as numbers

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from applications.enums import DossierState
from applications.models import Dossier
from changes.domain.queries import TODO_PAGE_SIZE, instructor_todo
from changes.enums import ChangeState, RequestState
from changes.models import ChangeDeclaration, ChangeRequest
from portal.accounts.roles import Role
from tests.factories import OrganisationFactory, ServiceFactory, staff_user
from tests.factories.people import editor
from tests.reviews.helpers import html
from tests.reviews.todo_scene import Scene

S = DossierState
pytestmark = pytest.mark.django_db
HOME = reverse("home")
_REFERENCES = numbers()


def _dossiers(person, count: int, *, organisation=None, states=(S.SUBMITTED, S.EVALUATED)):
    organisation = organisation or OrganisationFactory()
    now = timezone.now()
    return Dossier.objects.bulk_create(
        Dossier(
            service=ServiceFactory(organisation=organisation, name=f"Service rapide {n}"),
            reference=f"V-2026-{next(_REFERENCES):06d}",
            state=states[n % len(states)],
            created_by=person,
            state_changed_at=now - timedelta(days=n + 1),
        )
        for n in range(count)
    )


def _get(client, person, **params):
    client.force_login(person)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(HOME, params)
    assert response.status_code == 200
    return response, [query["sql"] for query in captured]


def _on(table: str, queries) -> list[str]:
    """The queries that read `table` as their main table (not through a join)."""
    return [sql for sql in queries if f'FROM "{table}"' in sql]


@pytest.mark.parametrize("count", [1, 3])
def test_instructor_home_reads_its_dossiers_in_three_queries(client, count):
    person = staff_user(Role.INSTRUCTOR)
    _dossiers(person, count)

    response, queries = _get(client, person)

    # Counted up to the horizon, the first rows of each state merged, the page's rows read
    # with their service and organisation: no query per row (a deferred field read by the
    # table would add one per row).
    assert len(_on("applications_dossier", queries)) == 3
    page = html(response)
    for dossier in Dossier.objects.all():
        assert dossier.reference in page and dossier.service.name in page
    assert page.count('fr-badge--info">Déposé</p>') == (count + 1) // 2
    assert page.count('fr-badge--info">Évalué</p>') == count // 2


@pytest.mark.parametrize("params", [{}, {"etat-instructor": "tous"}])
def test_instructor_home_costs_the_same_with_one_or_three_dossiers(client, params):
    person = staff_user(Role.INSTRUCTOR)
    _dossiers(person, 1)
    _response, one = _get(client, person, **params)
    _dossiers(person, 2, states=(S.EVALUATED, S.SUBMITTED))
    response, three = _get(client, person, **params)
    assert len(one) == len(three)
    assert html(response).count('<a href="/dossiers/') >= 3


def test_every_row_says_its_state_with_its_tone(client):
    person = staff_user(Role.INSTRUCTOR)
    _dossiers(person, 3, states=(S.INCOMPLETE, S.REFUSED, S.SUBMITTED))

    response, _queries = _get(client, person, **{"etat-instructor": "tous"})

    page = html(response)
    assert 'fr-badge--warning">Incomplet</p>' in page
    assert 'fr-badge--error">Refusé</p>' in page
    assert 'fr-badge--info">Déposé</p>' in page


def test_a_late_dossier_says_by_how_many_days(client, settings):
    settings.STAGE_DEADLINE_DAYS = {"submitted": 15}
    person = staff_user(Role.INSTRUCTOR)
    (dossier,) = _dossiers(person, 1)
    Dossier.objects.filter(pk=dossier.pk).update(
        state_changed_at=timezone.now() - timedelta(days=20)
    )

    response, _queries = _get(client, person)

    assert re.search(r"en retard de [56] jours", html(response))  # 5 (or 6 past midnight)


def test_a_commission_member_row_gives_the_session_date(client, settings):
    settings.COMMISSION_VOTES_OPEN_EARLY = True
    scene = Scene()
    member = staff_user(Role.COMMISSION_MEMBER)
    session = scene.session(days_ahead=12, members=[member])
    dossier = scene.dossier(S.IN_COMMISSION, session=session)

    response, _queries = _get(client, member)

    page = html(response)
    assert dossier.reference in page
    assert f"Séance du {date_format(session.date, 'j F Y')}" in page


def test_an_editor_with_nothing_to_declare_costs_one_query_of_changes(client):
    organisation = OrganisationFactory()
    person = editor(organisation)
    _dossiers(person, 2, organisation=organisation)

    response, queries = _get(client, person, **{"etat-editor": "tous"})

    changes = {*_on("changes_changerequest", queries), *_on("changes_changedeclaration", queries)}
    assert len(changes) == 1  # one question: is anything waiting? (the lists only then)
    assert "Modifications à déclarer" not in html(response)


def test_an_editor_asked_to_declare_sees_the_request(client):
    scene = Scene()
    dossier = scene.dossier(S.PUBLISHED)
    ChangeRequest.objects.create(
        dossier=dossier,
        description="La page d'accueil a changé.",
        requested_by=scene.instructor,
        requested_at=timezone.now(),
        due_on=timezone.localdate() + timedelta(days=20),
        state=RequestState.OPEN,
    )

    response, _queries = _get(client, scene.editor)

    page = html(response)
    assert "Modifications à déclarer" in page and "La page d'accueil a changé." in page


def test_the_instructors_panel_counts_every_declaration_in_one_query():
    scene = Scene()
    dossier = scene.dossier(S.PUBLISHED)
    today = timezone.localdate()
    ChangeDeclaration.objects.bulk_create(
        ChangeDeclaration(
            dossier=dossier,
            state=ChangeState.DECLARED,
            created_by=scene.editor,
            declared_by=scene.editor,
            declared_at=timezone.now(),
            qualification_due_on=today + timedelta(days=n),
        )
        for n in range(TODO_PAGE_SIZE + 2)
    )
    ChangeDeclaration.objects.create(
        dossier=dossier, state=ChangeState.DRAFT, created_by=scene.editor
    )

    instructor_todo(scene.instructor)  # the person's roles, read once
    with CaptureQueriesContext(connection) as captured:
        panel = instructor_todo(scene.instructor)

    assert len(captured) == 1
    assert (panel.count, len(panel.rows), panel.more) == (TODO_PAGE_SIZE + 2, TODO_PAGE_SIZE, 2)
    dues = [row.declaration.qualification_due_on for row in panel.rows]
    assert dues == sorted(dues) and dues[0] == today  # the soonest deadline first
