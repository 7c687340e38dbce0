"""Each role's to-do list holds exactly what waits for that person, the soonest deadline first
(reviews/domain/todo.py, catalogue/domain/todo.py, applications/domain/dossier_lists.py), under a
frozen clock; the filter shows the rest."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from applications.domain.dossier_lists import ALL, ListCriteria, ministry_list, role_list_page
from applications.enums import DossierState
from applications.models import Dossier
from catalogue.domain.todo import admin_list, editor_list
from catalogue.enums import CardState
from catalogue.models import Card
from conventions.models import Convention
from reviews.domain.commission import (
    current_agenda_item,
    item_conflict_declare,
    vote_cast,
    vote_open,
)
from reviews.domain.todo import commission_list, instructor_list
from reviews.models import Assignment, CommissionSession, ReservationResponse
from tests import dates
from tests.dates import frozen_at
from tests.factories import OrganisationFactory
from tests.factories.dossiers import dossier_in_state

S = DossierState
pytestmark = pytest.mark.django_db

#: The tests taking `frozen_day` run at the instants `frozen_at` names (tests/dates.py).
frozen_day = dates.frozen_day

DEADLINES = {"submitted": 15, "under_evaluation": 45, "complements_requested": 30, "evaluated": 30}


@pytest.fixture(autouse=True)
def _deadlines(settings):
    settings.STAGE_DEADLINE_DAYS = DEADLINES


def _entered(dossier, days_ago: int) -> Dossier:
    """Entered its state `days_ago` calendar days ago (Paris), at noon."""
    day = timezone.localdate() - timedelta(days=days_ago)
    Dossier.objects.filter(pk=dossier.pk).update(
        state_changed_at=timezone.make_aware(datetime.combine(day, time(12)))
    )
    return dossier


def _todo(user, role_list, **criteria) -> list[int]:
    page = role_list_page(
        user=user,
        role_list=role_list,
        criteria=ListCriteria(**criteria),
        number=1,
        per_page=25,
    )
    return [dossier.pk for dossier in page.object_list]


@frozen_at("new-year-in-paris", "15-august")
def test_instructor_to_do_is_their_next_steps_soonest_deadline_first(frozen_day):
    organisation = OrganisationFactory()
    submitted, cast = dossier_in_state(S.SUBMITTED, organisation=organisation)
    evaluated, _ = dossier_in_state(S.EVALUATED, organisation=organisation)
    signed, signed_cast = dossier_in_state(S.UNDER_EVALUATION, organisation=organisation)
    signed_cast.evaluate(signed)
    working, _ = dossier_in_state(S.UNDER_EVALUATION, organisation=organisation)
    orphan, _ = dossier_in_state(S.UNDER_EVALUATION, organisation=organisation)
    Assignment.objects.filter(dossier=orphan, domain="ethics").update(
        released_at=timezone.now(), conflict_status="conflict"
    )
    reserved, reserved_cast = dossier_in_state(S.OPINION_RESERVED, organisation=organisation)
    answered, answered_cast = dossier_in_state(S.OPINION_RESERVED, organisation=organisation)
    ReservationResponse.objects.create(
        dossier=answered, text="Attestation fournie.", responded_by=answered_cast.editor
    )
    incomplete, _ = dossier_in_state(S.INCOMPLETE, organisation=organisation)
    complements, _ = dossier_in_state(S.COMPLEMENTS_REQUESTED, organisation=organisation)
    # Deadlines: submitted 10 days ago → in 5 days; evaluated 28 days ago → in 2 days;
    # signed 50 days ago → 5 days late; orphan 40 days ago → in 5 days, entered earlier than
    # the submitted one; the answered reservations have no deadline: last.
    _entered(submitted, 10)
    _entered(evaluated, 28)
    _entered(signed, 50)
    _entered(orphan, 40)

    todo = _todo(cast.instructor, instructor_list(cast.instructor))

    assert todo == [signed.pk, evaluated.pk, orphan.pk, submitted.pk, answered.pk]
    for waiting_for_others in (working, reserved, incomplete, complements):
        assert waiting_for_others.pk not in todo
    everything = _todo(cast.instructor, instructor_list(cast.instructor), view=ALL)
    assert {working.pk, reserved.pk, incomplete.pk, complements.pk} <= set(everything)
    one_state = _todo(cast.instructor, instructor_list(cast.instructor), view=S.UNDER_EVALUATION)
    assert one_state == [signed.pk, orphan.pk, working.pk]  # the longest waiting first


def test_editor_to_do_is_drafts_and_what_the_team_asked(client):
    organisation = OrganisationFactory()
    draft, cast = dossier_in_state(S.DRAFT, organisation=organisation, filled=False)
    incomplete, _ = dossier_in_state(S.INCOMPLETE, organisation=organisation)
    complements, _ = dossier_in_state(S.COMPLEMENTS_REQUESTED, organisation=organisation)
    reserved, _ = dossier_in_state(S.OPINION_RESERVED, organisation=organisation)
    answered, answered_cast = dossier_in_state(S.OPINION_RESERVED, organisation=organisation)
    ReservationResponse.objects.create(
        dossier=answered, text="Fait.", responded_by=answered_cast.editor
    )
    submitted, _ = dossier_in_state(S.SUBMITTED, organisation=organisation)
    others, _ = dossier_in_state(S.DRAFT, filled=False)  # another organisation's
    _entered(complements, 29)  # its deadline first; the others have none: the oldest first
    _entered(draft, 3)
    _entered(incomplete, 2)
    _entered(reserved, 1)

    todo = _todo(cast.editor, editor_list(cast.editor))

    assert todo == [complements.pk, draft.pk, incomplete.pk, reserved.pk]
    assert submitted.pk not in todo and answered.pk not in todo and others.pk not in todo
    assert set(_todo(cast.editor, editor_list(cast.editor), view=ALL)) == {
        draft.pk,
        incomplete.pk,
        complements.pk,
        reserved.pk,
        answered.pk,
        submitted.pk,
    }


def test_commission_to_do_is_the_votes_awaiting_me_by_session_date(settings):
    settings.COMMISSION_VOTES_OPEN_EARLY = True
    first, cast = dossier_in_state(S.IN_COMMISSION)
    voted, _ = dossier_in_state(S.IN_COMMISSION)
    conflicted, _ = dossier_in_state(S.IN_COMMISSION)
    decided, _ = dossier_in_state(S.OPINION_FAVORABLE)
    earlier, _ = dossier_in_state(S.IN_COMMISSION)
    later, _ = dossier_in_state(S.IN_COMMISSION)
    # Every dossier on a session the member sits on (each factory made its own session).
    for dossier in (voted, conflicted, decided, earlier, later):
        item = current_agenda_item(dossier)
        item.session.members.create(user=cast.member)
    today = timezone.localdate()
    CommissionSession.objects.filter(agenda_items__dossier=earlier).update(date=today)
    CommissionSession.objects.filter(agenda_items__dossier=later).update(
        date=today + timedelta(days=30)
    )
    voted_item = current_agenda_item(voted)
    vote_open(item=voted_item, actor=voted_item.session.members.get(is_chair=True).user)
    vote_cast(item=voted_item, actor=cast.member, opinion="favorable", comment="")
    item_conflict_declare(
        item=current_agenda_item(conflicted), actor=cast.member, details="Conseil."
    )

    todo = _todo(cast.member, commission_list(cast.member))

    assert todo == [earlier.pk, first.pk, later.pk]  # the soonest session first
    seen = set(_todo(cast.member, commission_list(cast.member), view=ALL))
    assert {first.pk, voted.pk, conflicted.pk, decided.pk} <= seen


def test_commission_chair_also_has_the_opinions_to_record(settings):
    settings.COMMISSION_VOTES_OPEN_EARLY = True
    dossier, cast = dossier_in_state(S.IN_COMMISSION)
    cast.vote(dossier, "favorable")  # opened, cast by both, closed: the chair records it

    assert _todo(cast.member, commission_list(cast.member)) == []
    assert _todo(cast.chair, commission_list(cast.chair)) == [dossier.pk]


def test_ministry_to_do_is_the_opinions_to_decide_the_oldest_first():
    favorable, cast = dossier_in_state(S.OPINION_FAVORABLE)
    unfavorable, _ = dossier_in_state(S.OPINION_UNFAVORABLE)
    reserved, _ = dossier_in_state(S.OPINION_RESERVED)
    referenced, _ = dossier_in_state(S.REFERENCED)
    _entered(favorable, 2)
    _entered(unfavorable, 9)

    todo = _todo(cast.ministry, ministry_list(cast.ministry))

    assert todo == [unfavorable.pk, favorable.pk]
    assert reserved.pk in _todo(
        cast.ministry, ministry_list(cast.ministry), view=S.OPINION_RESERVED
    )
    assert referenced.pk not in todo


def _card(dossier, cast, state):
    service = dossier.service
    return Card.objects.create(
        service=service,
        version=Card.objects.filter(service=service).count() + 1,
        state=state,
        name=service.name,
        editor_public_name=service.organisation.name,
        short_description="Un service.",
        long_description="Un service numérique en santé.",
        themes=["prevention"],
        regions=["FR"],
        platforms=[{"platform": "web", "url": "https://service.example/"}],
        price_model="free",
        accessibility="partial",
        data_exchange=[],
        created_by=cast.editor,
    )


def test_admin_to_do_is_conventions_card_reviews_and_publications():
    from tests.factories.conventions import drawn_up

    to_draw_up, cast = dossier_in_state(S.REFERENCED)  # no convention yet
    waiting_editor = drawn_up(render=True)[0].dossier  # the editor has to sign it
    countersign = drawn_up(render=False)[0]
    Convention.objects.filter(pk=countersign.pk).update(editor_signed_at=timezone.now())
    card_convention, review_cast = drawn_up(render=True)
    card_to_review = card_convention.dossier
    _card(card_to_review, review_cast, CardState.IN_REVIEW)
    ready_convention, ready_cast = drawn_up(render=True)
    ready = ready_convention.dossier
    Dossier.objects.filter(pk=ready.pk).update(convention_signed_at=timezone.now())
    _card(ready, ready_cast, CardState.APPROVED)
    published, _ = dossier_in_state(S.PUBLISHED)
    published_new_card, new_card_cast = dossier_in_state(S.PUBLISHED)
    _card(published_new_card, new_card_cast, CardState.IN_REVIEW)

    todo = set(_todo(cast.admin, admin_list(cast.admin)))

    assert todo == {
        to_draw_up.pk,
        countersign.dossier_id,
        card_to_review.pk,
        ready.pk,
        published_new_card.pk,
    }
    assert waiting_editor.pk not in todo and published.pk not in todo


def test_editor_to_do_has_the_card_and_the_convention_of_a_referenced_dossier():
    from tests.factories.conventions import drawn_up

    no_card, cast = dossier_in_state(S.REFERENCED)
    organisation = no_card.service.organisation
    in_review, review_cast = dossier_in_state(S.REFERENCED, organisation=organisation)
    _card(in_review, review_cast, CardState.IN_REVIEW)
    convention, sign_cast = drawn_up(render=True, organisation=organisation)
    to_sign = convention.dossier
    _card(to_sign, sign_cast, CardState.APPROVED)
    signed_convention, signed_cast = drawn_up(render=True, organisation=organisation)
    Convention.objects.filter(pk=signed_convention.pk).update(editor_signed_at=timezone.now())
    _card(signed_convention.dossier, signed_cast, CardState.APPROVED)

    todo = set(_todo(cast.editor, editor_list(cast.editor)))

    assert todo == {no_card.pk, to_sign.pk}
