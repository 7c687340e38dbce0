"""The commission's vote: quorum, ties, conflicts, one vote per member, changes until closing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from applications.enums import DossierState, Opinion
from reviews.domain.commission import (
    current_agenda_item,
    item_conflict_declare,
    vote_cast,
    vote_close,
    vote_open,
    vote_result,
)
from reviews.models import AgendaItem, SessionMember, Vote
from tests.assertions import assert_nothing_changed
from tests.factories import staff_user
from tests.factories.dossiers import dossier_in_state

O = Opinion  # noqa: E741 — short name for the vote tables below
pytestmark = pytest.mark.django_db


@pytest.fixture
def sitting():
    """A dossier in commission before a session of five: the chair and four members."""
    dossier, cast = dossier_in_state(DossierState.IN_COMMISSION)
    members = [cast.chair, cast.member]
    for _ in range(3):
        person = staff_user("commission_member")
        SessionMember.objects.create(session=cast.session, user=person)
        members.append(person)
    return current_agenda_item(dossier), cast, members


HALF = Decimal("0.5")


def result(votes, *, present, eligible, chair=None):
    return vote_result(
        votes=votes, present=present, eligible=eligible, quorum_ratio=HALF, chair_member_id=chair
    )


def ballot(*opinions):
    return [Vote(opinion=o, member_id=i) for i, o in enumerate(opinions)]


def test_result_by_majority():
    votes = ballot(O.FAVORABLE, O.FAVORABLE, O.UNFAVORABLE)
    assert result(votes, present=3, eligible=5, chair=99)[:2] == (True, O.FAVORABLE)


def test_quorum_needs_more_than_half_of_the_members_present():
    votes = ballot(O.FAVORABLE, O.FAVORABLE)
    assert result(votes, present=2, eligible=4)[0] is False
    assert result(votes, present=3, eligible=4)[0] is True
    assert result(votes, present=2, eligible=3)[0] is True


def test_tie_is_settled_by_the_chair():
    votes = ballot(O.FAVORABLE, O.FAVORABLE, O.UNFAVORABLE, O.UNFAVORABLE)
    assert result(votes, present=4, eligible=4, chair=2)[1] == O.UNFAVORABLE
    assert result(votes, present=4, eligible=4, chair=0)[1] == O.FAVORABLE


def test_tie_the_chair_does_not_settle_goes_to_the_most_cautious():
    votes = ballot(O.FAVORABLE, O.FAVORABLE_SUSPENSIVE, O.FAVORABLE_NON_SUSPENSIVE)
    assert result(votes, present=3, eligible=3, chair=7)[1] == O.FAVORABLE_SUSPENSIVE


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
    from applications.domain.exceptions import TransitionBlocked
    from reviews.domain.commission import dossier_record_opinion

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


def test_comment_required_unless_favorable(sitting):
    item, cast, members = sitting
    vote_open(item=item, actor=cast.chair)
    with pytest.raises(ValidationError, match="commentaire est obligatoire"):
        vote_cast(item=item, actor=members[1], opinion=O.UNFAVORABLE)


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
