"""The partial re-evaluation of a declared change (changes/domain/partial_reviews.py): the
update's arrival, the verdicts and the signature (reviews' rules), the replacement of an expert
and their declaration, the closing; and the home panels (changes/domain/reevaluation_queries.py)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from applications.domain.exceptions import (
    TransitionBlocked,
    TransitionConflict,
    TransitionForbidden,
    TransitionInvalid,
)
from changes.domain.partial_reviews import (
    change_review_close,
    partial_review_declare,
    partial_review_replace,
    partial_review_sign,
    partial_verdict_save,
    replacement_candidates,
    touched_requirements,
)
from changes.domain.reevaluation_queries import (
    expert_reevaluation_todo,
    instructor_closing_todo,
)
from changes.enums import ChangeState
from changes.models import ChangeDeclaration, ChangeEvent, PartialReview, PartialVerdict
from portal.notifications.models import OutboxMessage
from reviews.models import ExpertConflict, Verdict
from tests.changes.helpers import T0, published
from tests.factories import staff_user
from tests.factories.changes_reviews import (
    in_partial_review,
    review_signed,
    touched,
    update_sent,
)
from tests.factories.people import editor, expert

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), time_machine.travel(T0, tick=False):
        yield published()
        transaction.set_rollback(True)


@pytest.fixture
def service(_built, db):
    with time_machine.travel(T0, tick=False):
        yield _built


def _mails(subject_start):
    return OutboxMessage.objects.filter(subject__startswith=subject_start)


def _review(declaration) -> PartialReview:
    return declaration.partial_reviews.select_related("declaration", "expert").get()


def _save(review, requirement=None, *, actor=None, verdict="compliant", comment=""):
    requirement = requirement or touched_requirements(review.declaration, review.domain)[0]
    return partial_verdict_save(
        review=review,
        requirement=requirement,
        actor=actor or review.expert,
        verdict=verdict,
        comment=comment,
    )


def test_qualification_gives_each_review_its_assignments_expert_already_cleared(service):
    dossier, cast = service
    declaration = in_partial_review(dossier, cast)
    review = _review(declaration)
    assert review.expert == review.assignment.expert == cast.experts[review.domain]
    assert review.conflict_declared_at is not None
    assert review.due_on is None and not review.signed


def test_no_verdict_before_the_editors_update(service):
    dossier, cast = service
    review = _review(in_partial_review(dossier, cast))
    with pytest.raises(ValidationError, match="mise à jour"):
        _save(review)
    assert not PartialVerdict.objects.exists()


def test_the_update_sets_the_due_date_and_tells_the_experts(service, settings):
    settings.PARTIAL_REVIEW_WEEKS = 3
    dossier, cast = service
    declaration = update_sent(in_partial_review(dossier, cast), cast.editor)
    review = _review(declaration)
    assert review.due_on == T0.date() + timedelta(weeks=3)
    mail = _mails("Réévaluation partielle : la mise à jour").get()
    assert mail.to == review.expert.email
    assert dossier.service.name in mail.subject
    assert "à signer au plus tard le" in mail.body


def test_a_verdict_is_saved_on_the_updates_revision_and_the_original_is_untouched(service):
    dossier, cast = service
    declaration = update_sent(in_partial_review(dossier, cast), cast.editor)
    review = _review(declaration)
    requirement = touched_requirements(declaration, review.domain)[0]
    original = Verdict.objects.get(dossier=dossier, requirement=requirement)
    before = (original.verdict, original.comment, original.revision_number)

    row = _save(review, requirement, verdict="partial", comment="Moins bien qu'avant.")
    again = _save(review, requirement, verdict="compliant")

    assert again.pk == row.pk
    assert (again.verdict, again.revision_number, again.expert) == (
        "compliant",
        declaration.update_revision,
        review.expert,
    )
    original.refresh_from_db()
    assert (original.verdict, original.comment, original.revision_number) == before


@pytest.mark.parametrize(
    ("verdict", "comment", "field"),
    [("excellent", "", "verdict"), ("non_compliant", "  ", "comment")],
)
def test_a_verdict_follows_the_evaluations_rule(service, verdict, comment, field):
    dossier, cast = service
    review = _review(update_sent(in_partial_review(dossier, cast), cast.editor))
    with pytest.raises(ValidationError) as refused:
        _save(review, verdict=verdict, comment=comment)
    assert set(refused.value.message_dict) == {field}
    assert not PartialVerdict.objects.exists()


def test_only_the_touched_requirements_of_the_domain_are_judged(service):
    dossier, cast = service
    declaration = update_sent(in_partial_review(dossier, cast), cast.editor)
    review = _review(declaration)
    other_domain = next(d for d in sorted(cast.experts) if d != review.domain)
    with pytest.raises(ValidationError, match="pas touchée"):
        _save(review, touched(dossier, [other_domain])[0])
    assert not PartialVerdict.objects.exists()


def test_another_expert_may_not_give_a_verdict(service):
    dossier, cast = service
    review = _review(update_sent(in_partial_review(dossier, cast), cast.editor))
    other = next(p for d, p in cast.experts.items() if d != review.domain)
    with pytest.raises(PermissionDenied):
        _save(review, actor=other)
    assert not PartialVerdict.objects.exists()


def test_signing_needs_every_touched_requirement_then_freezes_the_review(service):
    dossier, cast = service
    domains = sorted(cast.experts)[:2]
    declaration = update_sent(in_partial_review(dossier, cast, domains=domains), cast.editor)
    review = declaration.partial_reviews.select_related("declaration", "expert").first()
    (requirement,) = touched_requirements(declaration, review.domain)

    def sign(conclusion="favorable", synthesis="Ok"):
        return partial_review_sign(
            review=review, actor=review.expert, conclusion=conclusion, synthesis=synthesis
        )

    with pytest.raises(ValidationError, match="1 exigence du domaine est sans avis"):
        sign()
    with pytest.raises(ValidationError) as refused:
        sign(conclusion="")
    assert set(refused.value.message_dict) == {"conclusion"}
    with pytest.raises(ValidationError) as refused:
        sign(synthesis=" ")
    assert set(refused.value.message_dict) == {"synthesis"}
    _save(review, requirement)

    signed = sign(conclusion="reserved", synthesis=" Réservé. ")

    assert (signed.conclusion, signed.synthesis, signed.signed_at) == ("reserved", "Réservé.", T0)
    assert not declaration.partial_reviews.all_signed()  # the other domain is not
    with pytest.raises(ValidationError, match="signée"):
        _save(review, requirement, verdict="partial", comment="Trop tard.")
    with pytest.raises(ValidationError, match="signée"):
        sign()


def test_replacement_candidates_follow_reviews_rule_and_leave_out_the_editors_members(service):
    dossier, cast = service
    review = _review(in_partial_review(dossier, cast))
    candidate = expert(review.domain)
    member = expert(review.domain)
    from tests.factories.people import member_of

    member_of(dossier.service.organisation, member)
    conflicted = expert(review.domain)
    ExpertConflict.objects.create(
        expert=conflicted, organisation=dossier.service.organisation, details="Ancien salarié."
    )
    elsewhere = expert("rgpd" if review.domain != "rgpd" else "ethics")
    found = set(replacement_candidates(review))
    assert candidate in found
    assert not found & {member, conflicted, elsewhere, review.expert}


def test_replacement_keeps_the_verdicts_and_the_new_expert_declares_first(service):
    dossier, cast = service
    declaration = update_sent(in_partial_review(dossier, cast), cast.editor)
    review = _review(declaration)
    previous = review.expert
    (requirement,) = touched_requirements(declaration, review.domain)
    _save(review, requirement, verdict="partial", comment="À revoir.")
    newcomer = expert(review.domain)

    with pytest.raises(PermissionDenied):
        partial_review_replace(review=review, expert=newcomer, actor=previous, reason="Absent.")
    with pytest.raises(ValidationError) as refused:
        partial_review_replace(review=review, expert=newcomer, actor=cast.instructor, reason="")
    assert set(refused.value.message_dict) == {"reason"}
    with pytest.raises(ValidationError) as refused:
        partial_review_replace(
            review=review, expert=editor(), actor=cast.instructor, reason="Absent."
        )
    assert set(refused.value.message_dict) == {"expert"}

    replaced = partial_review_replace(
        review=review, expert=newcomer, actor=cast.instructor, reason="Expert absent."
    )

    assert (replaced.expert, replaced.conflict_declared_at) == (newcomer, None)
    kept = PartialVerdict.objects.get(partial_review=review, requirement=requirement)
    assert (kept.expert, kept.verdict) == (previous, "partial")
    history = list(replaced.history.order_by("history_date", "history_id"))
    assert [h.expert_id for h in history[-2:]] == [previous.pk, newcomer.pk]
    assert history[-1].history_change_reason == "Expert absent."
    mail = _mails("Réévaluation partielle confiée").get()
    assert mail.to == newcomer.email
    assert "déclarez vos éventuels liens" in mail.body
    with pytest.raises(PermissionDenied):
        _save(replaced, requirement, actor=newcomer)
    with pytest.raises(PermissionDenied):
        _save(replaced, requirement, actor=previous)

    declared = partial_review_declare(review=replaced, actor=newcomer, conflict=False)
    assert declared.conflict_declared_at == T0
    row = _save(declared, requirement, actor=newcomer)
    assert (row.pk, row.expert, row.verdict) == (kept.pk, newcomer, "compliant")
    with pytest.raises(ValidationError, match="déjà fait"):
        partial_review_declare(review=declared, actor=newcomer, conflict=False)


def test_a_declared_conflict_gives_the_review_back_to_the_instruction_team(service):
    dossier, cast = service
    review = _review(in_partial_review(dossier, cast))
    newcomer = expert(review.domain)
    replaced = partial_review_replace(
        review=review, expert=newcomer, actor=cast.instructor, reason="Expert absent."
    )
    with pytest.raises(PermissionDenied):
        partial_review_declare(review=replaced, actor=cast.instructor, conflict=False)
    with pytest.raises(ValidationError) as refused:
        partial_review_declare(review=replaced, actor=newcomer, conflict=True, details=" ")
    assert set(refused.value.message_dict) == {"details"}

    released = partial_review_declare(
        review=replaced, actor=newcomer, conflict=True, details="Ancien associé."
    )

    assert released.expert is None
    assert ExpertConflict.objects.filter(
        expert=newcomer, organisation=dossier.service.organisation
    ).exists()
    assert newcomer not in set(replacement_candidates(released))
    mail = _mails("Conflit d'intérêts déclaré sur une réévaluation").get()
    assert mail.to == cast.instructor.email


def test_closing_needs_every_domain_signed_an_instructor_and_a_reason(service):
    dossier, cast = service
    domains = sorted(cast.experts)[:2]
    declaration = update_sent(in_partial_review(dossier, cast, domains=domains), cast.editor)
    first, second = declaration.partial_reviews.select_related("declaration", "expert")
    review_signed(first)
    with pytest.raises(TransitionBlocked) as blocked:
        change_review_close(
            declaration=declaration, actor=cast.instructor, outcome="accepted", reason="Ok."
        )
    assert blocked.value.reasons == [
        f"La réévaluation du domaine « {second.get_domain_display()} » n'est pas signée."
    ]
    review_signed(second, verdict="non_compliant", conclusion="unfavorable")
    with pytest.raises(TransitionForbidden):
        change_review_close(
            declaration=declaration, actor=first.expert, outcome="accepted", reason="Ok."
        )
    with pytest.raises(TransitionInvalid):
        change_review_close(
            declaration=declaration, actor=cast.instructor, outcome="accepted", reason=" "
        )
    with pytest.raises(TransitionInvalid):
        change_review_close(
            declaration=declaration, actor=cast.instructor, outcome="editorial", reason="Ok."
        )
    assert ChangeDeclaration.objects.get(pk=declaration.pk).state == ChangeState.PARTIAL_REVIEW

    closed = change_review_close(
        declaration=declaration,
        actor=cast.instructor,
        outcome="rejected",
        reason="Le domaine RGPD n'est plus conforme.",
    )

    assert closed.state == ChangeState.REJECTED
    assert (closed.closed_by, closed.closed_at) == (cast.instructor, T0)
    event = ChangeEvent.objects.filter(declaration=declaration).last()
    assert (event.from_state, event.to_state, event.actor) == (
        "partial_review",
        "rejected",
        cast.instructor,
    )
    mail = _mails("Modification de").filter(subject__contains="non conforme").get()
    assert mail.to == cast.editor.email
    assert "Le domaine RGPD n'est plus conforme." in mail.body
    assert "suspension" in mail.body
    with pytest.raises(TransitionConflict):
        change_review_close(
            declaration=declaration, actor=cast.instructor, outcome="accepted", reason="Encore."
        )
    with pytest.raises(ValidationError, match="signée"):
        _save(first)


def test_closing_accepted(service):
    dossier, cast = service
    declaration = update_sent(in_partial_review(dossier, cast), cast.editor)
    review_signed(_review(declaration))
    closed = change_review_close(
        declaration=declaration, actor=cast.instructor, outcome="accepted", reason="Conforme."
    )
    assert closed.state == ChangeState.ACCEPTED
    assert closed.closing_reason == "Conforme."


# -- the home panels ----------------------------------------------------------------------------


def test_the_experts_panel_lists_their_reviews_soonest_due_first(
    service, django_assert_num_queries
):
    dossier, cast = service
    waiting = in_partial_review(dossier, cast, text="Plus tard.")
    domain = _review(waiting).domain
    person = cast.experts[domain]
    with time_machine.travel(T0 - timedelta(days=60), tick=False):
        late = update_sent(in_partial_review(dossier, cast, text="En retard."), cast.editor)
    soon = update_sent(in_partial_review(dossier, cast, text="Bientôt."), cast.editor)
    signed = update_sent(in_partial_review(dossier, cast, text="Signée."), cast.editor)
    review_signed(_review(signed))

    with django_assert_num_queries(3):  # the role, the count, the rows
        panel = expert_reevaluation_todo(person)
        rows = [(row.review.declaration_id, bool(row.due and row.due.late)) for row in panel.rows]

    assert rows == [(late.pk, True), (soon.pk, False), (waiting.pk, False)]
    assert panel.count == 3
    assert panel.rows[2].waiting
    assert expert_reevaluation_todo(staff_user("expert")) is None
    assert expert_reevaluation_todo(cast.instructor) is None


def test_the_instructors_panel_lists_the_reevaluations_to_close(service):
    dossier, cast = service
    ready = update_sent(in_partial_review(dossier, cast, text="Prête."), cast.editor)
    review_signed(_review(ready))
    update_sent(in_partial_review(dossier, cast, text="En cours."), cast.editor)
    panel = instructor_closing_todo(cast.instructor)
    assert [declaration.pk for declaration in panel.rows] == [ready.pk]
    assert instructor_closing_todo(cast.editor) is None
    change_review_close(
        declaration=ready, actor=cast.instructor, outcome="accepted", reason="Conforme."
    )
    assert instructor_closing_todo(cast.instructor) is None
