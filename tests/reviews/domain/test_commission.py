"""The commission's vote: quorum, abstentions, ties, conflicts, one vote per member, changes
until closing, the session's day."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications.domain.exceptions import TransitionBlocked
from applications.enums import DossierState
from reviews.domain.commission import (
    current_agenda_item,
    dossier_record_opinion,
    item_conflict_declare,
    reservations_from_votes,
    vote_cast,
    vote_close,
    vote_open,
    vote_result,
)
from reviews.models import AgendaItem, CommissionSession, SessionMember, Vote
from reviews.models.commission import Ballot
from tests.assertions import assert_nothing_changed
from tests.dates import PARIS
from tests.factories import staff_user
from tests.factories.dossiers import dossier_in_state

O = Ballot  # noqa: E741 — short name for the vote tables below (the opinions and ABSTENTION)
A = Ballot.ABSTENTION
pytestmark = pytest.mark.django_db


def _session_today(cast):
    """The factory's session is a week ahead; these tests sit on its day."""
    CommissionSession.objects.filter(pk=cast.session.pk).update(date=timezone.localdate())


@pytest.fixture
def sitting():
    """A dossier in commission before a session of five, held today: the chair and four
    members."""
    dossier, cast = dossier_in_state(DossierState.IN_COMMISSION)
    _session_today(cast)
    members = [cast.chair, cast.member]
    for _ in range(3):
        person = staff_user("commission_member")
        SessionMember.objects.create(session=cast.session, user=person)
        members.append(person)
    return current_agenda_item(dossier), cast, members


HALF = Decimal("0.5")


def result(votes, *, eligible, chair=None):
    return vote_result(votes=votes, eligible=eligible, quorum_ratio=HALF, chair_member_id=chair)


def ballot(*opinions):
    return [Vote(opinion=o, member_id=i) for i, o in enumerate(opinions)]


def test_result_by_majority():
    votes = ballot(O.FAVORABLE, O.FAVORABLE, O.UNFAVORABLE)
    assert result(votes, eligible=5, chair=99)[:2] == (True, O.FAVORABLE)


def test_quorum_needs_more_than_half_of_the_members_taking_part():
    assert result(ballot(O.FAVORABLE, O.FAVORABLE), eligible=4)[0] is False
    assert result(ballot(O.FAVORABLE, O.FAVORABLE, O.FAVORABLE), eligible=4)[0] is True
    assert result(ballot(O.FAVORABLE, O.FAVORABLE), eligible=3)[0] is True
    assert result([], eligible=0) == (False, "", {})


def test_tie_is_settled_by_the_chair():
    votes = ballot(O.FAVORABLE, O.FAVORABLE, O.UNFAVORABLE, O.UNFAVORABLE)
    assert result(votes, eligible=4, chair=2)[1] == O.UNFAVORABLE
    assert result(votes, eligible=4, chair=0)[1] == O.FAVORABLE


def test_tie_the_chair_does_not_settle_goes_to_the_most_cautious():
    votes = ballot(O.FAVORABLE, O.FAVORABLE_SUSPENSIVE, O.FAVORABLE_NON_SUSPENSIVE)
    assert result(votes, eligible=3, chair=7)[1] == O.FAVORABLE_SUSPENSIVE


# -- Abstentions: they count for the quorum, not for the majority --------------------------------


def test_abstentions_are_left_out_of_the_majority():
    # Three abstentions outnumber each opinion; the majority is among the two expressed votes.
    votes = ballot(A, A, A, O.UNFAVORABLE, O.UNFAVORABLE)
    assert result(votes, eligible=5) == (True, O.UNFAVORABLE, {A: 3, O.UNFAVORABLE: 2})


def test_every_member_abstaining_reaches_the_quorum_but_gives_no_opinion():
    assert result(ballot(A, A, A), eligible=3) == (True, "", {A: 3})


def test_quorum_reached_only_thanks_to_abstentions():
    expressed = ballot(O.FAVORABLE, O.FAVORABLE)
    assert result(expressed, eligible=5)[:2] == (False, "")
    assert result([*expressed, *ballot(A)], eligible=5)[:2] == (True, O.FAVORABLE)


def test_tie_among_expressed_votes_when_others_abstain():
    votes = ballot(O.FAVORABLE, O.UNFAVORABLE, A, A)
    assert result(votes, eligible=4, chair=0)[1] == O.FAVORABLE  # the chair's vote settles it
    # The chair abstained: their voice settles nothing, the most cautious opinion wins.
    assert result(votes, eligible=4, chair=2)[1] == O.UNFAVORABLE


def test_full_vote_with_a_change_of_mind(sitting):
    item, cast, members = sitting
    vote_open(item=item, actor=cast.chair)
    vote_cast(item=item, actor=members[1], opinion=O.UNFAVORABLE, comment="Sécurité insuffisante.")
    vote_cast(item=item, actor=members[1], opinion=O.FAVORABLE)  # changed before closing
    for person in members[2:4]:
        vote_cast(item=item, actor=person, opinion=O.FAVORABLE)
    assert Vote.objects.filter(item=item).count() == 3
    item = vote_close(item=item, actor=cast.chair)
    assert (item.quorum_reached, item.result, item.tally) == (True, O.FAVORABLE, {O.FAVORABLE: 3})
    with pytest.raises(ValidationError, match="pas ouvert"):
        vote_cast(item=item, actor=members[4], opinion=O.UNFAVORABLE, comment="Trop tard.")


def test_closing_without_quorum_blocks_the_opinion_until_a_new_round(sitting):
    item, cast, members = sitting
    # Three of the five members are absent: 2 present is not more than half of 5.
    SessionMember.objects.filter(session=cast.session, user__in=members[2:]).update(present=False)
    vote_open(item=item, actor=cast.chair)
    with (
        assert_nothing_changed(item.dossier, tables=(Vote,)),
        pytest.raises(PermissionDenied, match="absent"),
    ):
        vote_cast(item=item, actor=members[3], opinion=O.FAVORABLE)
    vote_cast(item=item, actor=members[1], opinion=O.FAVORABLE)
    item = vote_close(item=item, actor=cast.chair)
    assert item.quorum_reached is False and item.result == ""
    with assert_nothing_changed(item.dossier), pytest.raises(TransitionBlocked, match="quorum"):
        dossier_record_opinion(dossier=item.dossier, actor=cast.chair)
    # Members arrive: the chair opens a new round, which starts from no vote.
    SessionMember.objects.filter(session=cast.session).update(present=True)
    item = vote_open(item=item, actor=cast.chair)
    assert not Vote.objects.filter(item=item).exists()
    for person in members[:3]:
        vote_cast(item=item, actor=person, opinion=O.FAVORABLE)
    item = vote_close(item=item, actor=cast.chair)
    assert item.quorum_reached and item.result == O.FAVORABLE
    assert dossier_record_opinion(dossier=item.dossier, actor=cast.chair).state == (
        DossierState.OPINION_FAVORABLE
    )


def test_member_with_a_conflict_does_not_vote_nor_count(sitting):
    item, cast, members = sitting
    vote_open(item=item, actor=cast.chair)
    vote_cast(item=item, actor=members[2], opinion=O.FAVORABLE)
    item_conflict_declare(item=item, actor=members[2], details="Ancien salarié de l'éditeur.")
    assert not Vote.objects.filter(item=item, member__user=members[2]).exists()
    with (
        assert_nothing_changed(item.dossier, tables=(Vote,)),
        pytest.raises(PermissionDenied, match="conflit"),
    ):
        vote_cast(item=item, actor=members[2], opinion=O.FAVORABLE)
    # 4 members without a conflict, all present: the quorum holds; 3 of them vote.
    for person in (members[0], members[1], members[3]):
        vote_cast(
            item=item,
            actor=person,
            opinion=O.FAVORABLE_NON_SUSPENSIVE,
            comment="Réserves mineures.",
        )
    item = vote_close(item=item, actor=cast.chair)
    assert item.quorum_reached and item.result == O.FAVORABLE_NON_SUSPENSIVE


def test_comment_required_unless_favorable_or_abstention(sitting):
    item, cast, members = sitting
    vote_open(item=item, actor=cast.chair)
    for opinion in (O.UNFAVORABLE, O.FAVORABLE_SUSPENSIVE, O.FAVORABLE_NON_SUSPENSIVE):
        with (
            assert_nothing_changed(item.dossier, tables=(Vote,)),
            pytest.raises(ValidationError, match="commentaire est obligatoire"),
        ):
            vote_cast(item=item, actor=members[1], opinion=opinion, comment="  ")
    vote_cast(item=item, actor=members[1], opinion=A)
    vote_cast(item=item, actor=members[2], opinion=O.FAVORABLE)
    assert set(Vote.objects.filter(item=item).values_list("opinion", "comment")) == {
        (A, ""),
        (O.FAVORABLE, ""),
    }
    with pytest.raises(ValidationError, match="Choisissez un avis ou l'abstention"):
        vote_cast(item=item, actor=members[3], opinion="blank")


def test_everyone_abstaining_gives_no_opinion_and_the_chair_opens_a_new_round(sitting):
    item, cast, members = sitting
    vote_open(item=item, actor=cast.chair)
    for person in members:
        vote_cast(item=item, actor=person, opinion=A)
    item = vote_close(item=item, actor=cast.chair)
    assert (item.quorum_reached, item.result, item.tally) == (True, "", {A: 5})
    assert item.needs_new_round
    with (
        assert_nothing_changed(item.dossier),
        pytest.raises(TransitionBlocked, match="toutes sont des abstentions"),
    ):
        dossier_record_opinion(dossier=item.dossier, actor=cast.chair, opinion=O.FAVORABLE)
    item = vote_open(item=item, actor=cast.chair)  # a new round, from no vote
    assert (item.vote_status, Vote.objects.filter(item=item).count()) == ("open", 0)
    for person in members[:2]:
        vote_cast(item=item, actor=person, opinion=A)
    vote_cast(item=item, actor=members[2], opinion=O.UNFAVORABLE, comment="Sécurité.")
    item = vote_close(item=item, actor=cast.chair)
    assert (item.quorum_reached, item.result) == (True, O.UNFAVORABLE)  # 3 of 5 took part
    dossier = dossier_record_opinion(dossier=item.dossier, actor=cast.chair)
    assert dossier.state == DossierState.OPINION_UNFAVORABLE


def test_a_closed_vote_with_an_opinion_is_not_reopened(sitting):
    item, cast, members = sitting
    vote_open(item=item, actor=cast.chair)
    for person in members[:3]:
        vote_cast(item=item, actor=person, opinion=O.FAVORABLE)
    item = vote_close(item=item, actor=cast.chair)
    with (
        assert_nothing_changed(item.dossier, tables=(Vote,), rows=(item,)),
        pytest.raises(ValidationError, match="déjà été ouvert"),
    ):
        vote_open(item=item, actor=cast.chair)


# -- The session's day ---------------------------------------------------------------------------


def _paris(day, wall_clock):
    return datetime.combine(day, wall_clock, tzinfo=PARIS)


def test_vote_opens_on_the_sessions_day_in_paris_not_before():
    dossier, cast = dossier_in_state(DossierState.IN_COMMISSION)
    item = current_agenda_item(dossier)
    day = cast.session.date
    # 23:59 in Paris the day before; 00:01 in Paris on the day is still the day before in UTC.
    with (
        time_machine.travel(_paris(day - timedelta(days=1), time(23, 59)), tick=False),
        assert_nothing_changed(dossier, rows=(item,)),
        pytest.raises(ValidationError, match="qu'à partir du jour de la séance"),
    ):
        vote_open(item=item, actor=cast.chair)
    with time_machine.travel(_paris(day, time(0, 1)), tick=False):
        assert vote_open(item=item, actor=cast.chair).vote_status == "open"


def test_vote_opens_after_the_sessions_day_too():
    dossier, cast = dossier_in_state(DossierState.IN_COMMISSION)
    with time_machine.travel(_paris(cast.session.date + timedelta(days=3), time(15)), tick=False):
        item = vote_open(item=current_agenda_item(dossier), actor=cast.chair)
    assert item.vote_status == "open"


def test_setting_lets_a_vote_open_before_the_sessions_day(settings):
    dossier, cast = dossier_in_state(DossierState.IN_COMMISSION)
    assert cast.session.date > timezone.localdate()
    settings.COMMISSION_VOTES_OPEN_EARLY = True
    assert vote_open(item=current_agenda_item(dossier), actor=cast.chair).vote_status == "open"


# -- Reservations drafted from the votes ---------------------------------------------------------


def test_reservations_are_drafted_from_the_comments_of_the_votes_for_reservations(sitting):
    item, cast, members = sitting
    vote_open(item=item, actor=cast.chair)
    vote_cast(item=item, actor=members[0], opinion=O.FAVORABLE_NON_SUSPENSIVE, comment="Notice.")
    vote_cast(item=item, actor=members[1], opinion=O.FAVORABLE_SUSPENSIVE, comment="HDS.")
    vote_cast(item=item, actor=members[2], opinion=O.FAVORABLE_SUSPENSIVE, comment=" HDS. ")
    vote_cast(item=item, actor=members[3], opinion=O.UNFAVORABLE, comment="Refus.")
    vote_cast(item=item, actor=members[4], opinion=A)
    item = vote_close(item=item, actor=cast.chair)
    assert item.result == O.FAVORABLE_SUSPENSIVE
    # The result's own comments first, each once; no unfavorable motive, no author's name.
    assert reservations_from_votes(item) == "HDS.\n\nNotice."


def test_only_the_chair_opens_and_closes(sitting):
    item, cast, members = sitting
    not_opened = AgendaItem.objects.filter(pk=item.pk, vote_status="not_opened")
    with (
        assert_nothing_changed(item.dossier, tables=(not_opened,)),
        pytest.raises(PermissionDenied),
    ):
        vote_open(item=item, actor=members[1])
    vote_open(item=item, actor=cast.chair)
    still_open = AgendaItem.objects.filter(pk=item.pk, vote_status="open")
    with (
        assert_nothing_changed(item.dossier, tables=(still_open,)),
        pytest.raises(PermissionDenied),
    ):
        vote_close(item=item, actor=members[1])


def test_outsiders_cannot_vote(sitting):
    item, cast, _members = sitting
    vote_open(item=item, actor=cast.chair)
    outsider = staff_user("commission_member")
    with assert_nothing_changed(item.dossier, tables=(Vote,)), pytest.raises(PermissionDenied):
        vote_cast(item=item, actor=outsider, opinion=O.FAVORABLE)


def test_one_vote_per_member_and_item_is_enforced_by_the_database(sitting):
    item, cast, _members = sitting
    member = SessionMember.objects.get(session=cast.session, user=cast.chair)
    Vote.objects.create(item=item, member=member, opinion=O.FAVORABLE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(item=item, member=member, opinion=O.UNFAVORABLE)


def test_reservations_are_lifted_once_the_editor_answered():
    from applications.domain import transitions as t
    from applications.domain.exceptions import TransitionBlocked
    from reviews.domain.commission import reservations_respond
    from reviews.models import ReservationResponse

    dossier, cast = dossier_in_state(DossierState.OPINION_RESERVED)
    with (
        assert_nothing_changed(dossier),
        pytest.raises(TransitionBlocked, match="pas encore répondu"),
    ):
        t.dossier_lift_reservations(dossier=dossier, actor=cast.instructor, comment="Vu.")
    with (
        assert_nothing_changed(dossier, tables=(ReservationResponse,)),
        pytest.raises(PermissionDenied),
    ):
        reservations_respond(dossier=dossier, actor=cast.instructor, text="x")
    reservations_respond(dossier=dossier, actor=cast.editor, text="Attestation HDS jointe.")
    dossier = t.dossier_lift_reservations(dossier=dossier, actor=cast.instructor, comment="Vu.")
    assert dossier.state == DossierState.OPINION_FAVORABLE
