"""An expert sees a dossier only through a cleared assignment (reviews/rules.py): once released
(conflict declared, expert replaced), or while the declaration of interests is pending, every page,
fragment and file of the dossier answers 404, the dossier is in none of their lists and no e-mail
about it reaches them. A cleared expert keeps seeing their own domain, and only it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.domain import transitions as t
from applications.enums import DecisionOutcome, DossierState
from decisions.domain.documents import decision_render
from portal.notifications.models import OutboxMessage
from reviews.domain.assignments import assignment_create
from reviews.models import Assignment, ComplementRequest, ConflictStatus, Verdict
from reviews.rules import (
    cleared_assignments,
    dossier_ids_cleared_for,
    expert_queue_assignments,
    is_cleared_expert,
    is_cleared_expert_for_domain,
)
from tests.assertions import assert_nothing_changed
from tests.decisions.helpers import decided
from tests.factories import expert
from tests.factories.dossiers import dossier_in_state

from .helpers import evaluation_url, text, verdict_url

S = DossierState
pytestmark = pytest.mark.django_db

#: The domain whose expert loses (or never gets) clearance; "rgpd" keeps a cleared expert.
DOMAIN = "ethics"
OTHER = "rgpd"
KINDS = ["conflict", "replaced", "pending"]


def _uncleared(dossier, cast, kind):
    """The expert of DOMAIN, made `kind`: released by a declared conflict, released because
    replaced by another (cleared) expert, or still to declare their interests."""
    assignment = Assignment.objects.get(dossier=dossier, domain=DOMAIN)
    now = timezone.now()
    if kind == "conflict":
        Assignment.objects.filter(pk=assignment.pk).update(
            conflict_status=ConflictStatus.CONFLICT, declared_at=now, released_at=now
        )
    elif kind == "replaced":
        Assignment.objects.filter(pk=assignment.pk).update(released_at=now)
        replacement = expert(DOMAIN)
        Assignment.objects.create(
            dossier=dossier, domain=DOMAIN, expert=replacement, conflict_status=ConflictStatus.NONE
        )
        cast.replacement = replacement
    else:
        Assignment.objects.filter(pk=assignment.pk).update(
            conflict_status=ConflictStatus.PENDING, declared_at=None
        )
    return assignment.expert


def _evidence(dossier, domain):
    evidence = dossier.evidence.filter(requirement__domain=domain).first()
    assert evidence is not None, f"the test referential gives {domain} an evidence file"
    return evidence


def _evaluation_stage_urls(dossier, domain):
    evidence = _evidence(dossier, domain)
    return {
        "detail": reverse("applications:dossier-detail", args=[dossier.pk]),
        "evaluation": evaluation_url(dossier, domain),
        "sign": reverse("reviews:evaluation-sign", args=[dossier.pk, domain]),
        "complements": reverse("reviews:complements-request", args=[dossier.pk]),
        "evidence download": reverse(
            "applications:evidence-download", args=[dossier.pk, evidence.pk]
        ),
        "evidence preview": reverse("reviews:evidence-preview", args=[dossier.pk, evidence.pk]),
    }


def _decision_urls(dossier, decision):
    return {
        "detail": reverse("applications:dossier-detail", args=[dossier.pk]),
        "decision pdf": reverse("decisions:decision-download", args=[decision.pk]),
        "decision document": reverse("decisions:decision-document", args=[decision.pk]),
        "reservations": reverse("reviews:reservations-respond", args=[dossier.pk]),
        "evaluation": evaluation_url(dossier, DOMAIN),
    }


@pytest.mark.parametrize("kind", KINDS)
def test_uncleared_expert_gets_404_on_every_page_and_file_of_the_evaluation(client, kind):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    person = _uncleared(dossier, cast, kind)
    requirement = _evidence(dossier, DOMAIN).requirement
    client.force_login(person)
    assignment = Assignment.objects.filter(dossier=dossier, expert=person, domain=DOMAIN)

    with assert_nothing_changed(dossier, tables=(Verdict, ComplementRequest, assignment)):
        for name, url in _evaluation_stage_urls(dossier, DOMAIN).items():
            assert client.get(url).status_code == 404, name
        response = client.post(
            verdict_url(dossier, DOMAIN, requirement.code), {"verdict": "compliant", "comment": ""}
        )
        assert response.status_code == 404
        complements = client.post(
            reverse("reviews:complements-request", args=[dossier.pk]),
            {"questions-TOTAL_FORMS": "1", "questions-INITIAL_FORMS": "0"},
        )
        assert complements.status_code == 404
    assert assignment.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_uncleared_expert_gets_404_on_the_decision_and_the_reservations(client, kind):
    decision, dossier, cast = decided(DecisionOutcome.REFUSED, state=S.OPINION_RESERVED)
    decision_render(decision_id=decision.pk)
    person = _uncleared(dossier, cast, kind)
    client.force_login(person)

    for name, url in _decision_urls(dossier, decision).items():
        response = client.get(url)
        assert response.status_code == 404, name
        assert dossier.reference not in text(response), name
        assert dossier.service.name not in text(response), name


@pytest.mark.parametrize("kind", KINDS)
def test_uncleared_expert_finds_the_dossier_in_none_of_their_lists(client, kind):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    finished, _ = dossier_in_state(S.EVALUATED)
    person = _uncleared(dossier, cast, kind)
    # The same expert, cleared on another dossier that went further: the lists are not empty.
    Assignment.objects.filter(dossier=finished, domain=OTHER).update(expert=person)
    client.force_login(person)

    # Every assignment of theirs (their home shows their to-do first).
    home = text(client.get(reverse("home") + "?etat-expert=toutes"))
    queue = client.get(reverse("reviews:expert-queue"))
    done = text(client.get(reverse("reviews:expert-queue") + "?vue=terminees"))

    assert finished.reference in home  # the list works…
    assert dossier.reference not in home  # …without the uncleared dossier
    assert dossier.service.name not in done
    assert dossier.pk not in set(
        dossier_ids_cleared_for(person).values_list("dossier_id", flat=True)
    )
    if kind == "pending":
        # Only the declaration to make: the service and its editor, a link to the declaration.
        declare = reverse("reviews:assignment-declare", args=[_assignment(dossier, person).pk])
        assert f'href="{declare}"' in queue.content.decode()
        assert dossier.reference not in text(queue)
        assert evaluation_url(dossier, DOMAIN) not in queue.content.decode()
        assert str(S(dossier.state).label) not in text(queue)
        # The home's section is the same list: the declaration, not the dossier.
        assert f'href="{declare}"' in client.get(reverse("home")).content.decode()
    else:
        assert dossier.service.name not in home
        assert dossier.service.name not in text(queue)


def _assignment(dossier, person):
    return Assignment.objects.get(dossier=dossier, expert=person)


@pytest.mark.parametrize("kind", KINDS)
def test_uncleared_expert_gets_no_email_on_the_next_transition(kind):
    dossier, cast = dossier_in_state(S.COMPLEMENTS_REQUESTED)
    person = _uncleared(dossier, cast, kind)
    before = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    t.dossier_provide_complements(dossier=dossier, actor=cast.editor, comment="Voici la pièce.")

    told = set(OutboxMessage.objects.filter(pk__gt=before).values_list("to", flat=True))
    assert person.email not in told
    assert cast.experts[OTHER].email in told  # the cleared expert of the other domain is told
    if kind == "replaced":
        assert cast.replacement.email in told


def test_expert_who_declares_a_conflict_loses_the_dossier_at_once(client):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    assignment = Assignment.objects.get(dossier=dossier, domain=DOMAIN)
    Assignment.objects.filter(pk=assignment.pk).update(conflict_status=ConflictStatus.PENDING)
    person = assignment.expert
    client.force_login(person)

    response = client.post(
        reverse("reviews:assignment-declare", args=[assignment.pk]),
        {"declaration": "conflict", "details": "J'ai travaillé pour cet éditeur."},
    )

    assert response.status_code == 302
    assert not is_cleared_expert(person, dossier)
    for name, url in _evaluation_stage_urls(dossier, DOMAIN).items():
        assert client.get(url).status_code == 404, name
    assert dossier.service.name not in text(client.get(reverse("reviews:expert-queue")))


def test_pending_expert_still_reaches_their_declaration_page_only(client):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    person = _uncleared(dossier, cast, "pending")
    assignment = _assignment(dossier, person)
    client.force_login(person)

    page = client.get(reverse("reviews:assignment-declare", args=[assignment.pk]))

    assert page.status_code == 200
    assert dossier.service.name in text(page)
    assert dossier.reference not in text(page)
    other = Assignment.objects.get(dossier=dossier, domain=OTHER)
    assert client.get(reverse("reviews:assignment-declare", args=[other.pk])).status_code == 404

    response = client.post(
        reverse("reviews:assignment-declare", args=[assignment.pk]), {"declaration": "none"}
    )
    assert response.status_code == 302 and response.url == evaluation_url(dossier, DOMAIN)
    assert client.get(evaluation_url(dossier, DOMAIN)).status_code == 200


def test_assigned_expert_is_asked_for_the_declaration_by_email_without_the_dossier(settings):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    person = expert(DOMAIN)

    assignment = assignment_create(
        dossier=dossier, domain=DOMAIN, expert=person, actor=cast.instructor
    )

    message = OutboxMessage.objects.get(to=person.email)
    assert dossier.service.name in message.subject
    declare = reverse("reviews:assignment-declare", args=[assignment.pk])
    assert settings.PORTAL_BASE_URL.rstrip("/") + declare in message.body
    assert dossier.reference not in message.body
    assert reverse("applications:dossier-detail", args=[dossier.pk]) not in message.body


def test_cleared_expert_still_sees_their_domain_and_only_it(client):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    person = cast.experts[OTHER]
    client.force_login(person)

    for name, url in _evaluation_stage_urls(dossier, OTHER).items():
        assert client.get(url).status_code == 200, name
    assert dossier.reference in text(client.get(reverse("home")))
    assert dossier.service.name in text(client.get(reverse("reviews:expert-queue")))
    # Another domain of the same dossier stays closed.
    assert client.get(evaluation_url(dossier, DOMAIN)).status_code == 404
    ethics = _evidence(dossier, DOMAIN)
    download = reverse("applications:evidence-download", args=[dossier.pk, ethics.pk])
    assert client.get(download).status_code == 404


def test_cleared_expert_still_sees_the_decision(client):
    decision, dossier, cast = decided(DecisionOutcome.REFUSED, state=S.OPINION_RESERVED)
    decision_render(decision_id=decision.pk)
    client.force_login(cast.experts[OTHER])

    urls = _decision_urls(dossier, decision)
    assert client.get(urls["detail"]).status_code == 200
    assert client.get(urls["decision pdf"]).status_code == 200
    assert client.get(urls["decision document"]).status_code == 200
    # The reservations are the editor's to answer: the page is refused, not hidden.
    assert client.get(urls["reservations"]).status_code == 403


@pytest.mark.parametrize("kind", KINDS)
def test_rules_agree_for_an_uncleared_expert(kind):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    cast.assign_experts(dossier)
    person = _uncleared(dossier, cast, kind)

    assert not is_cleared_expert(person, dossier)
    assert not is_cleared_expert_for_domain(person, dossier, DOMAIN)
    assert not cleared_assignments(person).exists()
    queued = list(expert_queue_assignments(person))
    assert queued == ([_assignment(dossier, person)] if kind == "pending" else [])


def test_rules_answer_false_for_a_missing_object_or_an_anonymous_user():
    from django.contrib.auth.models import AnonymousUser

    dossier, cast = dossier_in_state(S.SUBMITTED)
    cast.assign_experts(dossier)
    person = cast.experts[DOMAIN]
    assert is_cleared_expert(person, dossier)
    assert is_cleared_expert_for_domain(person, dossier, DOMAIN)
    assert not is_cleared_expert_for_domain(person, dossier, OTHER)
    assert not is_cleared_expert(person, None)
    assert not is_cleared_expert_for_domain(person, None, DOMAIN)
    assert not is_cleared_expert(AnonymousUser(), dossier)
    assert not is_cleared_expert_for_domain(AnonymousUser(), dossier, DOMAIN)
