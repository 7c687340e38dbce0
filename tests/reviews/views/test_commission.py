"""The commission's pages through the test client: sessions, the agenda item (conflicts, the vote
opened and closed after a confirmation page, cast, changed, abstained, its counter), the opinion
recorded from the vote, suspensive reservations answered then lifted, and the ministry's decision.
The minutes and the query counts are in test_commission_minutes.py."""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from applications.enums import DossierState, Opinion
from applications.models import Dossier, TransitionLog
from decisions.models import Decision
from reviews.domain.commission import current_agenda_item, vote_cast, vote_open
from reviews.models import (
    AgendaItem,
    CommissionSession,
    ItemConflict,
    ReservationResponse,
    SessionMember,
    Vote,
)
from tests.assertions import assert_nothing_changed
from tests.dates import PARIS, french_date
from tests.factories import OrganisationFactory, editor, staff_user
from tests.factories.dossiers import dossier_in_state
from tests.reviews.helpers import html, text

S = DossierState
O = Opinion  # noqa: E741
pytestmark = pytest.mark.django_db

SESSIONS = reverse("reviews:commission-sessions")
CREATE = reverse("reviews:commission-session-create")


def _item_url(item, name="reviews:agenda-item"):
    return reverse(name, args=[item.pk])


def _transition_url(dossier, name):
    return reverse("applications:dossier-transition", args=[dossier.pk, name])


def _detail(dossier):
    return reverse("applications:dossier-detail", args=[dossier.pk])


@pytest.fixture
def sitting():
    """A dossier in commission before the chair and one member, on the session's day (the
    factory's session is a week ahead); the item and the cast."""
    dossier, cast = dossier_in_state(S.IN_COMMISSION)
    CommissionSession.objects.filter(pk=cast.session.pk).update(date=timezone.localdate())
    return current_agenda_item(dossier), cast


# -- Sessions ------------------------------------------------------------------------------------


def test_instructor_creates_a_session_with_its_members_and_chair(client):
    instructor = staff_user("instructor")
    chair, member = staff_user("commission_member"), staff_user("commission_member")
    client.force_login(instructor)
    page = client.get(CREATE)
    assert page.status_code == 200
    assert str(chair) in text(page) and "0.50" in html(page)
    day = timezone.localdate() + timedelta(days=10)
    response = client.post(
        CREATE,
        {
            "title": "Séance de mars",
            "date": day.isoformat(),
            "members": [chair.pk, member.pk],
            "chair": chair.pk,
            "quorum_ratio": "0.50",
        },
    )
    session = CommissionSession.objects.get(title="Séance de mars")
    assert response.status_code == 302
    assert response.url == reverse("reviews:commission-session", args=[session.pk])
    assert (session.date, session.quorum_ratio) == (day, Decimal("0.50"))
    seats = {m.user: m.is_chair for m in session.members.all()}
    assert seats == {chair: True, member: False}

    detail = text(client.get(response.url))
    assert "plus de la moitié des membres sans conflit" in detail
    assert f"{chair} Président de séance Présent" in detail


def test_session_whose_chair_is_not_a_member_is_refused_and_nothing_saved(client):
    chair, member = staff_user("commission_member"), staff_user("commission_member")
    client.force_login(staff_user("instructor"))
    with assert_nothing_changed(tables=(CommissionSession, SessionMember)):
        response = client.post(
            CREATE,
            {
                "title": "Séance",
                "date": (timezone.localdate() + timedelta(days=3)).isoformat(),
                "members": [member.pk],
                "chair": chair.pk,
                "quorum_ratio": "0.50",
            },
        )
    assert response.status_code == 400
    assert "Le président de séance doit être l'un des membres choisis." in text(response)


@pytest.mark.parametrize("role", ["commission_member", "ministry", "expert", "admin"])
def test_session_creation_is_forbidden_to_others_than_instructors(client, role):
    person = staff_user(role)
    client.force_login(person)
    assert client.get(CREATE).status_code == 403
    with assert_nothing_changed(tables=(CommissionSession, SessionMember)):
        response = client.post(
            CREATE,
            {
                "title": "Séance",
                "date": (timezone.localdate() + timedelta(days=3)).isoformat(),
                "members": [person.pk],
                "chair": person.pk,
                "quorum_ratio": "0.50",
            },
        )
    assert response.status_code == 403


def test_sessions_list_shows_members_their_sessions_and_instructors_all(client, sitting):
    item, cast = sitting
    other = CommissionSession.objects.create(title="Autre séance", date=timezone.localdate())
    client.force_login(cast.member)
    page = text(client.get(SESSIONS))
    assert "Séance de test" in page and "Vous y siégez" in page
    assert "Autre séance" not in page
    assert client.get(reverse("reviews:commission-session", args=[other.pk])).status_code == 404
    client.force_login(cast.instructor)
    page = text(client.get(SESSIONS))
    assert "Séance de test" in page and "Autre séance" in page and "Créer une séance" in page
    client.force_login(cast.editor)
    assert client.get(SESSIONS).status_code == 403
    assert (
        client.get(reverse("reviews:commission-session", args=[item.session_id])).status_code == 404
    )


def test_chair_records_attendance_a_member_may_not(client, sitting):
    item, cast = sitting
    url = reverse("reviews:session-attendance", args=[item.session_id])
    seat = SessionMember.objects.get(session=item.session, user=cast.member)
    chair_seat = SessionMember.objects.get(session=item.session, user=cast.chair)
    client.force_login(cast.member)
    with assert_nothing_changed(tables=(SessionMember.objects.filter(present=True),)):
        assert client.post(url, {"presences-present": []}).status_code == 403
    assert SessionMember.objects.get(pk=seat.pk).present
    client.force_login(cast.chair)
    assert client.post(url, {"presences-present": [chair_seat.pk]}).status_code == 302
    assert not SessionMember.objects.get(pk=seat.pk).present
    page = text(client.get(reverse("reviews:commission-session", args=[item.session_id])))
    assert f"{cast.member} Membre Absent" in page


# -- The agenda item -----------------------------------------------------------------------------


def test_agenda_item_is_seen_by_the_session_members_only(client, sitting):
    item, cast = sitting
    for person in (cast.chair, cast.member):
        client.force_login(person)
        page = client.get(_item_url(item))
        assert page.status_code == 200
        body = text(page)
        assert item.dossier.service.name in body
        assert item.dossier.service.organisation.name in body
        assert "Avis proposé par l'évaluation : Favorable" in body
        assert "Résultats par domaine" in body
    _other, other_cast = dossier_in_state(S.IN_COMMISSION)
    not_opened = AgendaItem.objects.filter(pk=item.pk, vote_status="not_opened")
    with assert_nothing_changed(item.dossier, tables=(not_opened,)):
        for outsider in (other_cast.member, cast.editor, cast.instructor, cast.ministry):
            client.force_login(outsider)
            assert client.get(_item_url(item)).status_code == 404
            assert client.post(_item_url(item, "reviews:vote-open")).status_code == 404


def test_conflict_needs_details_then_forbids_voting(client, sitting):
    item, cast = sitting
    vote_open(item=item, actor=cast.chair)
    client.force_login(cast.member)
    conflict_url = _item_url(item, "reviews:item-conflict-declare")
    with assert_nothing_changed(item.dossier, tables=(ItemConflict,)):
        response = client.post(conflict_url, {"conflit-details": "  "})
    assert response.status_code == 400
    assert "Décrivez la nature du conflit d'intérêts." in text(response)

    assert client.post(conflict_url, {"conflit-details": "Ancien salarié."}).status_code == 302
    assert ItemConflict.objects.get(item=item).member.user == cast.member
    with assert_nothing_changed(item.dossier, tables=(Vote,)):
        response = client.post(_item_url(item, "reviews:vote-cast"), {"vote-opinion": O.FAVORABLE})
    assert response.status_code == 403
    page = text(client.get(_item_url(item)))
    assert "Vous avez déclaré un conflit d'intérêts sur ce point" in page
    assert "Enregistrer mon vote" not in page


def test_vote_opened_cast_changed_and_closed_through_the_pages(client, sitting):
    item, cast = sitting
    cast_url = _item_url(item, "reviews:vote-cast")
    client.force_login(cast.member)
    not_opened = AgendaItem.objects.filter(pk=item.pk, vote_status="not_opened")
    with assert_nothing_changed(item.dossier, tables=(not_opened, Vote)):
        assert client.post(_item_url(item, "reviews:vote-open")).status_code == 403
        assert client.post(cast_url, {"vote-opinion": O.FAVORABLE}).status_code == 400  # not open

    client.force_login(cast.chair)
    confirm = client.get(_item_url(item, "reviews:vote-open"))
    assert confirm.status_code == 200 and "Confirmer : ouvrir le vote" in text(confirm)
    assert AgendaItem.objects.get(pk=item.pk).vote_status == "not_opened"  # asked, not done
    assert client.post(_item_url(item, "reviews:vote-open")).status_code == 302
    assert AgendaItem.objects.get(pk=item.pk).vote_status == "open"
    assert client.post(cast_url, {"vote-opinion": O.FAVORABLE}).status_code == 302

    client.force_login(cast.member)
    with assert_nothing_changed(item.dossier, tables=(Vote,)):
        response = client.post(cast_url, {"vote-opinion": O.UNFAVORABLE, "vote-comment": ""})
    assert response.status_code == 400
    assert "Un commentaire est obligatoire, sauf pour un avis favorable ou une abstention." in (
        text(response)
    )
    client.post(cast_url, {"vote-opinion": O.UNFAVORABLE, "vote-comment": "Sécurité."})
    assert "Votre vote actuel : Défavorable" in text(client.get(_item_url(item)))
    response = client.post(
        cast_url, {"vote-opinion": O.FAVORABLE_NON_SUSPENSIVE, "vote-comment": "Mineur."}
    )
    assert response.status_code == 302
    vote = Vote.objects.get(item=item, member__user=cast.member)
    assert (vote.opinion, vote.comment) == (O.FAVORABLE_NON_SUSPENSIVE, "Mineur.")
    still_open = AgendaItem.objects.filter(pk=item.pk, vote_status="open")
    with assert_nothing_changed(item.dossier, tables=(still_open,)):
        assert client.post(_item_url(item, "reviews:vote-close")).status_code == 403

    client.force_login(cast.chair)
    confirm = client.get(_item_url(item, "reviews:vote-close"))
    assert confirm.status_code == 200
    assert "Cette action est irréversible." in text(confirm)
    assert "2 membres ont pris part au vote sur 2 pouvant voter." in text(confirm)
    assert AgendaItem.objects.get(pk=item.pk).vote_status == "open"  # asked, not done
    assert client.post(_item_url(item, "reviews:vote-close")).status_code == 302
    item.refresh_from_db()
    assert (item.vote_status, item.quorum_reached) == ("closed", True)
    assert item.result == O.FAVORABLE  # a tie settled by the chair's vote
    assert item.tally == {O.FAVORABLE: 1, O.FAVORABLE_NON_SUSPENSIVE: 1}
    page = text(client.get(_item_url(item)))
    assert "Avis issu du vote : Favorable" in page and "Mineur." in page
    assert "Enregistrer l'avis de la commission" in page
    client.force_login(cast.member)
    assert client.post(cast_url, {"vote-opinion": O.FAVORABLE}).status_code == 400
    assert Vote.objects.get(pk=vote.pk).opinion == O.FAVORABLE_NON_SUSPENSIVE


def test_vote_through_htmx_swaps_the_block(client, sitting):
    item, cast = sitting
    vote_open(item=item, actor=cast.chair)
    client.force_login(cast.member)
    url = _item_url(item, "reviews:vote-cast")
    bad = client.post(url, {"vote-opinion": O.UNFAVORABLE}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400 and 'id="mon-vote"' in html(bad)
    good = client.post(url, {"vote-opinion": O.FAVORABLE}, HTTP_HX_REQUEST="true")
    assert good.status_code == 200
    assert "Votre vote est enregistré." in text(good) and "<html" not in html(good)
    assert good["HX-Trigger"] == "vote-enregistre"  # the counter asks again at once
    assert "HX-Trigger" not in bad
    status = client.get(_item_url(item, "reviews:agenda-item-status") + "?vu=open&n=0&c=0")
    assert status.status_code == 200
    assert "1 membre a pris part au vote sur 2 pouvant voter." in text(status)
    assert 'hx-trigger="every 5s, vote-enregistre from:body"' in html(status)
    assert "?vu=open&n=1&c=0" in html(status)
    unchanged = client.get(_item_url(item, "reviews:agenda-item-status") + "?vu=open&n=1&c=0")
    assert unchanged.status_code == 204 and unchanged.content == b""
    moved = client.get(_item_url(item, "reviews:agenda-item-status") + "?vu=not_opened")
    assert moved["HX-Refresh"] == "true"


def test_only_the_chair_reaches_the_confirmation_pages(client, sitting):
    item, cast = sitting
    client.force_login(cast.member)
    for name in ("reviews:vote-open", "reviews:vote-close"):
        assert client.get(_item_url(item, name)).status_code == 403
    client.force_login(cast.chair)
    page = client.get(_item_url(item))
    # The chair's buttons lead to the confirmation pages; they act only once confirmed.
    assert f'href="{_item_url(item, "reviews:vote-open")}"' in html(page)
    assert 'action="' + _item_url(item, "reviews:vote-open") not in html(page)
    closing = client.get(_item_url(item, "reviews:vote-close"))  # not open yet
    assert closing.status_code == 409
    assert "il ne peut pas être clos" in text(closing)
    assert "Confirmer" not in text(closing)


def _paris(day, wall_clock):
    return datetime.combine(day, wall_clock, tzinfo=PARIS)


def test_vote_cannot_open_before_the_sessions_day(client):
    dossier, cast = dossier_in_state(S.IN_COMMISSION)  # the session is a week ahead
    item = current_agenda_item(dossier)
    day = cast.session.date
    open_url = _item_url(item, "reviews:vote-open")
    client.force_login(cast.chair)
    with time_machine.travel(_paris(day - timedelta(days=1), time(18)), tick=False):
        page = text(client.get(_item_url(item)))
        assert "Le vote pourra être ouvert à partir du jour de la séance, le" in page
        assert french_date(day) in page and "Ouvrir le vote" not in page
        confirm = client.get(open_url)
        assert confirm.status_code == 409 and french_date(day) in text(confirm)
        with assert_nothing_changed(dossier, rows=(item,)):
            refused = client.post(open_url)
        assert refused.status_code == 400
        assert "Le vote ne peut s'ouvrir qu'à partir du jour de la séance" in text(refused)
    with time_machine.travel(_paris(day, time(9)), tick=False):
        assert "Ouvrir le vote" in text(client.get(_item_url(item)))
        assert client.post(open_url).status_code == 302
    assert AgendaItem.objects.get(pk=item.pk).vote_status == "open"


def test_member_abstains_without_a_comment_and_the_pages_count_it(client, sitting):
    item, cast = sitting
    vote_open(item=item, actor=cast.chair)
    client.force_login(cast.member)
    page = client.get(_item_url(item))
    assert "Abstention" in text(page)
    assert "Une abstention compte pour le quorum, pas pour la majorité" in text(page)
    # French counts 0 in the singular (locale/fr, manage.py french_plurals).
    assert "0 membre a pris part au vote sur 2 pouvant voter." in text(page)
    url = _item_url(item, "reviews:vote-cast")
    response = client.post(url, {"vote-opinion": "abstention"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Votre vote actuel : Abstention" in text(response)
    status = client.get(_item_url(item, "reviews:agenda-item-status") + "?vu=open&n=0&c=0")
    assert "1 membre a pris part au vote sur 2 pouvant voter, dont 1 abstention." in text(status)
    assert "Le quorum n'est pas encore atteint." in text(status)  # 1 of 2 is not more than half

    vote_cast(item=item, actor=cast.chair, opinion=O.UNFAVORABLE, comment="Sécurité.")
    client.force_login(cast.chair)
    assert client.post(_item_url(item, "reviews:vote-close")).status_code == 302
    item.refresh_from_db()
    assert (item.quorum_reached, item.result) == (True, O.UNFAVORABLE)
    assert item.tally == {"abstention": 1, O.UNFAVORABLE: 1}
    page = text(client.get(_item_url(item)))
    assert "Abstention (compte pour le quorum, pas pour la majorité) 1" in page
    assert f"{cast.member} Abstention —" in page


def test_everyone_abstaining_leaves_no_opinion_to_record(client, sitting):
    item, cast = sitting
    vote_open(item=item, actor=cast.chair)
    for person in (cast.chair, cast.member):
        vote_cast(item=item, actor=person, opinion="abstention")
    client.force_login(cast.chair)
    response = client.post(_item_url(item, "reviews:vote-close"))
    assert response.status_code == 302
    page = text(client.get(_item_url(item)))
    assert "Aucun avis issu du vote" in page and "toutes les voix sont des abstentions" in page
    assert "Enregistrer l'avis de la commission" not in page
    assert "Ouvrir un nouveau tour de vote" in page
    url = _transition_url(item.dossier, "record_opinion")
    with assert_nothing_changed(item.dossier):
        refused = client.post(url, {"transition-opinion": O.FAVORABLE})
    assert refused.status_code == 400 and "toutes sont des abstentions" in text(refused)
    assert client.post(_item_url(item, "reviews:vote-open")).status_code == 302
    assert not Vote.objects.filter(item=item).exists()


# -- The opinion, the reservations ---------------------------------------------------------------


def test_record_opinion_page_shows_the_voted_result_and_records_it(client, sitting):
    item, cast = sitting
    cast.vote(item.dossier, O.FAVORABLE_SUSPENSIVE)
    url = _transition_url(item.dossier, "record_opinion")
    client.force_login(cast.chair)
    page = client.get(url)
    assert page.status_code == 200
    assert "Avis issu du vote de la commission" in text(page)
    assert "disabled" in html(page) and "Réserves suspensives" in text(page)
    # The reservations are drafted from the votes' comments (cast.vote comments "Motivé.").
    assert re.search(r'name="transition-reservations"[^>]*>\s*Motivé\.</textarea>', html(page))
    assert "prérempli avec les commentaires des votes" in text(page)

    # The posted opinion is ignored; the reservations are required (the chair emptied them).
    response = client.post(url, {"transition-opinion": O.FAVORABLE, "transition-comment": ""})
    assert response.status_code == 400
    assert "Précisez les réserves de la commission." in text(response)
    assert Dossier.objects.get(pk=item.dossier_id).state == S.IN_COMMISSION

    response = client.post(
        url,
        {"transition-opinion": O.FAVORABLE, "transition-reservations": "Attestation HDS à jour."},
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get(pk=item.dossier_id)
    assert (dossier.state, dossier.opinion) == (S.OPINION_RESERVED, O.FAVORABLE_SUSPENSIVE)
    assert dossier.opinion_reservations == "Attestation HDS à jour."
    log = TransitionLog.objects.filter(dossier=dossier).latest("seq")
    assert (log.transition, log.actor, log.to_state) == (
        "record_opinion",
        cast.chair,
        S.OPINION_RESERVED,
    )


def test_favorable_vote_asks_for_no_reservations(client, sitting):
    item, cast = sitting
    cast.vote(item.dossier, O.FAVORABLE)
    client.force_login(cast.chair)
    url = _transition_url(item.dossier, "record_opinion")
    assert "transition-reservations" not in html(client.get(url))
    assert client.post(url, {"transition-comment": ""}).status_code == 302
    assert Dossier.objects.get(pk=item.dossier_id).state == S.OPINION_FAVORABLE


def test_editor_answers_the_reservations_then_the_instructor_lifts_them(client):
    dossier, cast = dossier_in_state(S.OPINION_RESERVED)
    respond = reverse("reviews:reservations-respond", args=[dossier.pk])
    client.force_login(cast.editor)
    page = text(client.get(_detail(dossier)))
    assert "Réserves suspensives à lever" in page and "Attestation HDS à fournir." in page
    assert "Répondre aux réserves" in page
    with assert_nothing_changed(dossier, tables=(ReservationResponse,)):
        assert client.post(respond, {"reserves-text": " "}).status_code == 400
    assert client.post(respond, {"reserves-text": "Attestation jointe."}).status_code == 302
    assert ReservationResponse.objects.get(dossier=dossier).responded_by == cast.editor

    outsider = editor(OrganisationFactory())
    with assert_nothing_changed(dossier, tables=(ReservationResponse,)):
        client.force_login(outsider)
        assert client.post(respond, {"reserves-text": "x"}).status_code == 404
        client.force_login(cast.instructor)
        assert client.post(respond, {"reserves-text": "x"}).status_code == 403
    page = text(client.get(_detail(dossier)))
    assert "Attestation jointe." in page and "Lever les réserves" in page
    url = _transition_url(dossier, "lift_reservations")
    assert client.post(url, {"transition-comment": "Attestation vérifiée."}).status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).state == S.OPINION_FAVORABLE
    log = TransitionLog.objects.filter(dossier=dossier).latest("seq")
    assert (log.transition, log.actor) == ("lift_reservations", cast.instructor)


def test_ministry_decides_from_the_dossier_page(client):
    dossier, cast = dossier_in_state(S.OPINION_FAVORABLE)
    client.force_login(cast.ministry)
    page = client.get(_detail(dossier))
    assert _transition_url(dossier, "decide") in html(page)
    assert "Avis de la commission : Favorable" in text(page)
    response = client.post(
        _transition_url(dossier, "decide"),
        {"transition-outcome": "referenced", "transition-motives": "Conforme à l'avis."},
    )
    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).state == S.REFERENCED
    assert Decision.objects.get(dossier=dossier).motives == "Conforme à l'avis."
    assert "Document en cours de génération" in text(client.get(_detail(dossier)))
