"""The minutes' PDF of a session (attendance, conflicts, each vote and abstention, the tally and
the opinion, the session's date; who may download it), and query counts of the commission's pages
at 1 and 3 rows."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.enums import DossierState, Opinion
from reviews.domain.commission import current_agenda_item, vote_cast, vote_close, vote_open
from reviews.models import AgendaItem, CommissionSession, SessionMember
from tests.dates import PARIS, french_date
from tests.decisions.helpers import pdf_text
from tests.factories import staff_user
from tests.factories.dossiers import dossier_in_state

S = DossierState
O = Opinion  # noqa: E741
pytestmark = pytest.mark.django_db

SESSIONS = reverse("reviews:commission-sessions")


def _item_url(item, name="reviews:agenda-item"):
    return reverse(name, args=[item.pk])


@pytest.fixture
def sitting():
    """A dossier in commission, on the session's day (the factory's session is a week ahead)."""
    dossier, cast = dossier_in_state(S.IN_COMMISSION)
    CommissionSession.objects.filter(pk=cast.session.pk).update(date=timezone.localdate())
    return current_agenda_item(dossier), cast


# -- The minutes ---------------------------------------------------------------------------------


def _pdf_rows(content: bytes) -> list[str]:
    """The document's lines as laid out (a table row on one line), whitespace collapsed."""
    from tests.decisions.helpers import _poppler

    layout = _poppler("pdftotext", content, "-layout", "-enc", "UTF-8")
    return [" ".join(line.split()) for line in layout.splitlines() if line.strip()]


def test_minutes_pdf_tells_attendance_conflicts_votes_and_opinion(client, sitting):
    item, cast = sitting
    session = item.session
    url = reverse("reviews:session-minutes", args=[session.pk])
    conflicted, absent = staff_user("commission_member"), staff_user("commission_member")
    SessionMember.objects.create(session=session, user=conflicted)
    SessionMember.objects.create(session=session, user=absent, present=False)
    client.force_login(cast.instructor)
    assert client.get(url).status_code == 404  # votes not closed yet

    client.force_login(conflicted)
    vote_open(item=item, actor=cast.chair)
    client.post(_item_url(item, "reviews:item-conflict-declare"), {"conflit-details": "Conseil."})
    vote_cast(item=item, actor=cast.chair, opinion=O.FAVORABLE)
    vote_cast(item=item, actor=cast.member, opinion=O.UNFAVORABLE, comment="Données mal isolées.")
    vote_close(item=item, actor=cast.chair)

    for person in (cast.instructor, cast.member, cast.ministry, cast.admin):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200, person
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith('attachment; filename="proces-verbal-')
    content = pdf_text(response.content)
    for expected in (
        item.dossier.reference,
        item.dossier.service.name,
        item.dossier.service.organisation.name,
        f"Conflits d'intérêts : {conflicted}",
        "Favorable : 1 ; Favorable avec réserves non suspensives : 0",
        "Abstentions : 0.",
        "Quorum : atteint — 2 membres ont pris part au vote sur 3 pouvant voter, abstentions "
        "comprises.",
        "Avis issu du vote : Favorable",
        "Une abstention compte pour le quorum, pas pour la majorité",
        "Membres de la séance : 4. 3 membres en séance.",
    ):
        assert expected in content, expected
    # Table rows, one line each as laid out on the page.
    rows = _pdf_rows(response.content)
    for row in (
        f"{cast.chair} Président de séance Présent",
        f"{cast.member} Membre Présent",
        f"{absent} Membre Absent",
        f"{cast.chair} Favorable —",
        f"{cast.member} Défavorable Données mal isolées.",
    ):
        assert row in rows, (row, rows)
    _other, other_cast = dossier_in_state(S.IN_COMMISSION)
    for outsider in (other_cast.member, cast.editor, staff_user("expert")):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def _paris(day, wall_clock):
    return datetime.combine(day, wall_clock, tzinfo=PARIS)


def test_minutes_are_established_on_the_sessions_date_and_count_abstentions(client):
    """Votes held on the session's day, the PDF drawn up three days later: it says the session's
    date, not the day it was produced."""
    dossier, cast = dossier_in_state(S.IN_COMMISSION)
    item = current_agenda_item(dossier)
    session = item.session
    third = staff_user("commission_member")
    SessionMember.objects.create(session=session, user=third)
    with time_machine.travel(_paris(session.date, time(10)), tick=False):
        vote_open(item=item, actor=cast.chair)
        vote_cast(item=item, actor=cast.chair, opinion=O.FAVORABLE)
        vote_cast(item=item, actor=cast.member, opinion="abstention")
        vote_cast(item=item, actor=third, opinion="abstention")
        vote_close(item=item, actor=cast.chair)
    later = session.date + timedelta(days=3)
    with time_machine.travel(_paris(later, time(16)), tick=False):
        client.force_login(cast.instructor)
        response = client.get(reverse("reviews:session-minutes", args=[session.pk]))
    assert response.status_code == 200
    content = pdf_text(response.content)
    assert f"Établi le {french_date(session.date)}," in content
    assert french_date(later) not in content
    for expected in (
        "Favorable : 1 ; Favorable avec réserves non suspensives : 0",
        "Abstentions : 2.",
        "3 membres ont pris part au vote sur 3 pouvant voter, abstentions comprises.",
        "Avis issu du vote : Favorable",
    ):
        assert expected in content, expected
    assert f"{cast.member} Abstention —" in _pdf_rows(response.content)


# -- Query counts --------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _sessions_list_queries(client, count) -> int:
    dossier, cast = dossier_in_state(S.EVALUATED)
    for n in range(count):
        session = CommissionSession.objects.create(title=f"Séance {n}", date=timezone.localdate())
        SessionMember.objects.create(session=session, user=cast.member, is_chair=True)
        AgendaItem.objects.create(session=session, dossier=dossier)
    client.force_login(cast.member)
    return _queries(client, SESSIONS)


def test_sessions_list_query_count_does_not_grow_with_sessions(client):
    assert _sessions_list_queries(client, 1) == _sessions_list_queries(client, 3)


def _item_page_queries(client, voters) -> int:
    dossier, cast = dossier_in_state(S.IN_COMMISSION)
    item = current_agenda_item(dossier)
    CommissionSession.objects.filter(pk=item.session_id).update(
        quorum_ratio=Decimal("0.10"), date=timezone.localdate()
    )
    people = [cast.chair] + [staff_user("commission_member") for _ in range(voters - 1)]
    for person in people[1:]:
        SessionMember.objects.create(session=item.session, user=person)
    vote_open(item=item, actor=cast.chair)
    for person in people:
        vote_cast(item=item, actor=person, opinion=O.UNFAVORABLE, comment="Non.")
    vote_close(item=item, actor=cast.chair)
    client.force_login(cast.chair)
    return _queries(client, _item_url(item))


def test_agenda_item_query_count_does_not_grow_with_votes(client):
    assert _item_page_queries(client, 1) == _item_page_queries(client, 3)
