"""The qualification of a declared change (changes/domain/qualification.py), each way with its
effects, its history row and its e-mails; the reason required; only an instructor, once."""

import pytest
import time_machine
from django.db import transaction

from applications.domain.exceptions import TransitionBlocked, TransitionForbidden, TransitionInvalid
from applications.models import Requirement
from changes.domain.qualification import change_qualify
from changes.enums import ChangeState
from changes.models import ChangeDeclaration, ChangeEvent, PartialReview
from portal.notifications.models import OutboxMessage
from reviews.models import Assignment
from tests.assertions import assert_nothing_changed
from tests.changes.helpers import T0, declared, item, published, requirement
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

TABLES = (ChangeEvent, PartialReview)


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


def test_editorial_is_recorded_and_the_editor_told_to_update_the_card(service):
    dossier, cast = service
    declaration = declared(dossier, cast.editor)
    qualified = change_qualify(
        declaration=declaration, actor=cast.instructor, outcome="editorial", reason="Mineur."
    )
    assert qualified.state == ChangeState.EDITORIAL
    assert (qualified.qualified_by, qualified.qualified_at) == (cast.instructor, T0)
    assert qualified.qualification_reason == "Mineur."
    assert [(e.from_state, e.to_state) for e in qualified.events.all()] == [
        ("draft", "declared"),
        ("declared", "editorial"),
    ]
    assert qualified.events.last().comment == "Mineur."
    assert not PartialReview.objects.filter(declaration=declaration).exists()
    mail = _mails("Modification de").get()
    assert mail.to == cast.editor.email
    assert "Modification éditoriale" in mail.subject
    assert "Mineur." in mail.body
    assert "mettez la fiche à jour" in mail.body


def test_partial_review_points_at_the_experts_of_the_touched_domains(service):
    dossier, cast = service
    domains = sorted(cast.experts)
    touched = [requirement(dossier, domain) for domain in domains[:2]]
    declaration = declared(
        dossier, cast.editor, items=[item(dossier, view="substantial", requirements=touched)]
    )
    qualified = change_qualify(
        declaration=declaration,
        actor=cast.instructor,
        outcome="partial_review",
        reason="À réévaluer.",
    )
    assert qualified.state == ChangeState.PARTIAL_REVIEW
    reviews = {review.domain: review for review in qualified.partial_reviews.all()}
    assert set(reviews) == set(domains[:2])
    for domain, review in reviews.items():
        assignment = Assignment.objects.cleared().get(dossier=dossier, domain=domain)
        assert review.assignment == assignment
        assert review.assignment.expert == cast.experts[domain]
    to_experts = _mails("Réévaluation partielle demandée")
    assert set(to_experts.values_list("to", flat=True)) == {
        cast.experts[d].email for d in domains[:2]
    }
    assert _mails("Modification de").get().to == cast.editor.email


def test_partial_review_of_a_domain_without_expert_is_refused(service):
    dossier, cast = service
    elsewhere = (
        Requirement.objects.filter(version_id=dossier.referential_version_id)
        .exclude(domain__in=list(cast.experts))
        .first()
    )
    assert elsewhere is not None  # the test referential has domains this dossier does not use
    declaration = declared(dossier, cast.editor, items=[item(dossier, requirements=[elsewhere])])
    with (
        assert_nothing_changed(tables=TABLES, rows=(declaration,)),
        pytest.raises(TransitionBlocked) as blocked,
    ):
        change_qualify(
            declaration=declaration, actor=cast.instructor, outcome="partial_review", reason="R."
        )
    assert "Aucun expert n'est affecté au dossier sur" in str(blocked.value)


def test_new_dossier_tells_the_editor_to_file_one(service):
    dossier, cast = service
    declaration = declared(dossier, cast.editor)
    qualified = change_qualify(
        declaration=declaration, actor=cast.instructor, outcome="new_dossier", reason="Refonte."
    )
    assert qualified.state == ChangeState.NEW_DOSSIER
    mail = _mails("Modification de").get()
    assert "Nouveau dossier nécessaire" in mail.subject
    assert "préparez-le depuis la page de la déclaration" in mail.body


@pytest.mark.parametrize("reason", ["", "   "])
def test_the_reason_is_required(service, reason):
    dossier, cast = service
    declaration = declared(dossier, cast.editor)
    with (
        assert_nothing_changed(tables=TABLES, rows=(declaration,)),
        pytest.raises(TransitionInvalid) as invalid,
    ):
        change_qualify(
            declaration=declaration, actor=cast.instructor, outcome="editorial", reason=reason
        )
    assert "motif" in str(invalid.value)


@pytest.mark.parametrize("who", ["editor", "admin", "ministry", "expert"])
def test_only_an_instructor_qualifies(service, who):
    dossier, cast = service
    declaration = declared(dossier, cast.editor)
    actor = {
        "editor": cast.editor,
        "admin": cast.admin,
        "ministry": cast.ministry,
        "expert": next(iter(cast.experts.values())),
    }[who]
    with (
        assert_nothing_changed(tables=TABLES, rows=(declaration,)),
        pytest.raises(TransitionForbidden),
    ):
        change_qualify(declaration=declaration, actor=actor, outcome="editorial", reason="R.")


def test_a_qualified_change_is_not_qualified_again(service):
    dossier, cast = service
    declaration = declared(dossier, cast.editor)
    change_qualify(declaration=declaration, actor=cast.instructor, outcome="editorial", reason="R.")
    stale = ChangeDeclaration.objects.get(pk=declaration.pk)
    with assert_nothing_changed(tables=TABLES, rows=(stale,)), pytest.raises(TransitionInvalid):
        change_qualify(
            declaration=stale, actor=staff_user("instructor"), outcome="new_dossier", reason="R."
        )


def test_the_history_is_append_only(service):
    from applications.models.append_only import AppendOnlyError

    dossier, cast = service
    declaration = declared(dossier, cast.editor)
    event = declaration.events.get()
    event.comment = "changé"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        ChangeEvent.objects.filter(pk=event.pk).delete()
