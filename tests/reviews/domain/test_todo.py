"""Each role's to-do list holds exactly what waits for that person, the soonest deadline first
(reviews/domain/todo.py, catalogue/domain/todo.py, applications/domain/dossier_lists.py), under a
frozen clock; the filter shows the rest. The dossiers are put straight into their states with
the rows the lists read (tests/reviews/todo_scene.py): the votes and conflicts that decide a
commission member's list go through the real services."""

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
    vote_close,
    vote_open,
)
from reviews.domain.todo import commission_list, instructor_list
from reviews.models import Assignment, ReservationResponse
from tests import dates
from tests.dates import frozen_at
from tests.factories import OrganisationFactory, staff_user
from tests.reviews.todo_scene import Scene

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
    scene = Scene()
    submitted = scene.dossier(S.SUBMITTED)
    evaluated = scene.dossier(S.EVALUATED)
    signed = scene.dossier(S.UNDER_EVALUATION)
    scene.sign(signed)  # every expert signed: the instructors complete the evaluation
    working = scene.dossier(S.UNDER_EVALUATION)
    orphan = scene.dossier(S.UNDER_EVALUATION)
    Assignment.objects.filter(dossier=orphan, domain="ethics").update(
        released_at=timezone.now(), conflict_status="conflict"
    )
    reserved = scene.dossier(S.OPINION_RESERVED)
    answered = scene.dossier(S.OPINION_RESERVED)
    ReservationResponse.objects.create(
        dossier=answered, text="Attestation fournie.", responded_by=scene.editor
    )
    incomplete = scene.dossier(S.INCOMPLETE)
    complements = scene.dossier(S.COMPLEMENTS_REQUESTED)
    # Deadlines: submitted 10 days ago → in 5 days; evaluated 28 days ago → in 2 days;
    # signed 50 days ago → 5 days late; orphan 40 days ago → in 5 days, entered earlier than
    # the submitted one; the answered reservations have no deadline: last.
    _entered(submitted, 10)
    _entered(evaluated, 28)
    _entered(signed, 50)
    _entered(orphan, 40)
    instructor = scene.instructor

    todo = _todo(instructor, instructor_list(instructor))

    assert todo == [signed.pk, evaluated.pk, orphan.pk, submitted.pk, answered.pk]
    for waiting_for_others in (working, reserved, incomplete, complements):
        assert waiting_for_others.pk not in todo
    everything = _todo(instructor, instructor_list(instructor), view=ALL)
    assert {working.pk, reserved.pk, incomplete.pk, complements.pk} <= set(everything)
    one_state = _todo(instructor, instructor_list(instructor), view=S.UNDER_EVALUATION)
    assert one_state == [signed.pk, orphan.pk, working.pk]  # the longest waiting first


def test_editor_to_do_is_drafts_and_what_the_team_asked(client):
    scene = Scene()
    draft = scene.dossier(S.DRAFT)
    incomplete = scene.dossier(S.INCOMPLETE)
    complements = scene.dossier(S.COMPLEMENTS_REQUESTED)
    reserved = scene.dossier(S.OPINION_RESERVED)
    answered = scene.dossier(S.OPINION_RESERVED)
    ReservationResponse.objects.create(dossier=answered, text="Fait.", responded_by=scene.editor)
    submitted = scene.dossier(S.SUBMITTED)
    others = scene.dossier(S.DRAFT, organisation=OrganisationFactory())  # another's
    _entered(complements, 29)  # its deadline first; the others have none: the oldest first
    _entered(draft, 3)
    _entered(incomplete, 2)
    _entered(reserved, 1)

    todo = _todo(scene.editor, editor_list(scene.editor))

    assert todo == [complements.pk, draft.pk, incomplete.pk, reserved.pk]
    assert submitted.pk not in todo and answered.pk not in todo and others.pk not in todo
    assert set(_todo(scene.editor, editor_list(scene.editor), view=ALL)) == {
        draft.pk,
        incomplete.pk,
        complements.pk,
        reserved.pk,
        answered.pk,
        submitted.pk,
    }


def test_commission_to_do_is_the_votes_awaiting_me_by_session_date(settings):
    settings.COMMISSION_VOTES_OPEN_EARLY = True
    scene = Scene()
    member = staff_user("commission_member")

    def on_agenda(state=S.IN_COMMISSION, days_ahead=7):
        """A dossier on the agenda of a session of its own, which the member sits on."""
        return scene.dossier(state, session=scene.session(days_ahead=days_ahead, members=[member]))

    first = on_agenda()
    voted = on_agenda()
    conflicted = on_agenda()
    decided = on_agenda(S.OPINION_FAVORABLE)
    earlier = on_agenda(days_ahead=0)
    later = on_agenda(days_ahead=30)
    voted_item = current_agenda_item(voted)
    vote_open(item=voted_item, actor=voted_item.session.members.get(is_chair=True).user)
    vote_cast(item=voted_item, actor=member, opinion="favorable", comment="")
    item_conflict_declare(item=current_agenda_item(conflicted), actor=member, details="Conseil.")

    todo = _todo(member, commission_list(member))

    assert todo == [earlier.pk, first.pk, later.pk]  # the soonest session first
    seen = set(_todo(member, commission_list(member), view=ALL))
    assert {first.pk, voted.pk, conflicted.pk, decided.pk} <= seen


def test_commission_chair_also_has_the_opinions_to_record(settings):
    settings.COMMISSION_VOTES_OPEN_EARLY = True
    scene = Scene()
    member = staff_user("commission_member")
    session = scene.session(members=[member])
    chair = session.members.get(is_chair=True).user
    dossier = scene.dossier(S.IN_COMMISSION, session=session)
    item = current_agenda_item(dossier)
    vote_open(item=item, actor=chair)  # opened, cast by both, closed: the chair records it
    for person in (chair, member):
        vote_cast(item=item, actor=person, opinion="favorable", comment="Motivé.")
    vote_close(item=item, actor=chair)

    assert _todo(member, commission_list(member)) == []
    assert _todo(chair, commission_list(chair)) == [dossier.pk]


def test_ministry_to_do_is_the_opinions_to_decide_the_oldest_first():
    scene = Scene()
    favorable = scene.dossier(S.OPINION_FAVORABLE)
    unfavorable = scene.dossier(S.OPINION_UNFAVORABLE)
    reserved = scene.dossier(S.OPINION_RESERVED)
    referenced = scene.dossier(S.REFERENCED)
    _entered(favorable, 2)
    _entered(unfavorable, 9)

    todo = _todo(scene.ministry, ministry_list(scene.ministry))

    assert todo == [unfavorable.pk, favorable.pk]
    assert reserved.pk in _todo(
        scene.ministry, ministry_list(scene.ministry), view=S.OPINION_RESERVED
    )
    assert referenced.pk not in todo


def _card(dossier, scene, state):
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
        created_by=scene.editor,
    )


def _signed_by_the_editor(convention) -> Convention:
    Convention.objects.filter(pk=convention.pk).update(editor_signed_at=timezone.now())
    return convention


def test_admin_to_do_is_conventions_card_reviews_and_publications():
    scene = Scene()
    to_draw_up = scene.dossier(S.REFERENCED)  # no convention yet
    waiting_editor = scene.dossier(S.REFERENCED)
    scene.convention(waiting_editor)  # produced: the editor has to sign it
    countersign = _signed_by_the_editor(scene.convention(scene.dossier(S.REFERENCED), ready=False))
    card_to_review = scene.dossier(S.REFERENCED)
    scene.convention(card_to_review)
    _card(card_to_review, scene, CardState.IN_REVIEW)
    ready = scene.dossier(S.REFERENCED)
    scene.convention(ready)
    Dossier.objects.filter(pk=ready.pk).update(convention_signed_at=timezone.now())
    _card(ready, scene, CardState.APPROVED)
    published = scene.dossier(S.PUBLISHED)
    published_new_card = scene.dossier(S.PUBLISHED)
    _card(published_new_card, scene, CardState.IN_REVIEW)

    todo = set(_todo(scene.admin, admin_list(scene.admin)))

    assert todo == {
        to_draw_up.pk,
        countersign.dossier_id,
        card_to_review.pk,
        ready.pk,
        published_new_card.pk,
    }
    assert waiting_editor.pk not in todo and published.pk not in todo


def test_editor_to_do_has_the_card_and_the_convention_of_a_referenced_dossier():
    scene = Scene()
    no_card = scene.dossier(S.REFERENCED)
    in_review = scene.dossier(S.REFERENCED)
    _card(in_review, scene, CardState.IN_REVIEW)
    to_sign = scene.dossier(S.REFERENCED)
    scene.convention(to_sign)
    _card(to_sign, scene, CardState.APPROVED)
    signed_convention = _signed_by_the_editor(scene.convention(scene.dossier(S.REFERENCED)))
    _card(signed_convention.dossier, scene, CardState.APPROVED)

    todo = set(_todo(scene.editor, editor_list(scene.editor)))

    assert todo == {no_card.pk, to_sign.pk}
