"""Assigning experts: only eligible ones are offered; a declared conflict frees the assignment,
alerts the instructors and keeps that expert away from the editor's dossiers; an expert sees
nothing of a dossier before declaring."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.enums import DossierState
from portal.notifications.models import OutboxMessage
from reviews.models import Assignment, ExpertConflict
from tests.factories import OrganisationFactory, editor, expert, staff_user
from tests.factories.dossiers import dossier_in_state
from tests.reviews.helpers import evaluation_url, text

S = DossierState
pytestmark = pytest.mark.django_db


def _page(dossier):
    return reverse("reviews:dossier-assignments", args=[dossier.pk])


def _assign(client, dossier, domain, person, due_on=None):
    due_on = due_on or timezone.localdate() + timedelta(days=20)
    return client.post(
        reverse("reviews:assignment-create", args=[dossier.pk, domain]),
        {f"{domain}-expert": person.pk, f"{domain}-due_on": due_on.isoformat()},
    )


def _declare_url(assignment):
    return reverse("reviews:assignment-declare", args=[assignment.pk])


def test_only_eligible_experts_are_offered(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    ethics = expert("ethics", last_name="Éthique")
    other_domain = expert("rgpd", last_name="Données")
    conflicted = expert("ethics", last_name="Conflit")
    ExpertConflict.objects.create(
        expert=conflicted, organisation=dossier.service.organisation, details="Ancien salarié."
    )
    client.force_login(cast.instructor)

    response = client.get(_page(dossier))

    offered = list(response.context["rows"][1]["form"].fields["expert"].queryset)
    assert response.context["rows"][1]["code"] == "ethics"
    assert offered == [ethics]
    assert other_domain not in offered and conflicted not in offered


def test_instructor_assigns_an_expert_with_a_due_date(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    person = expert("ethics")
    due_on = timezone.localdate() + timedelta(days=10)
    client.force_login(cast.instructor)

    response = _assign(client, dossier, "ethics", person, due_on)

    assert response.status_code == 302
    assignment = Assignment.objects.get(dossier=dossier)
    assert (assignment.expert, assignment.domain, assignment.due_on) == (person, "ethics", due_on)
    assert assignment.assigned_by == cast.instructor
    assert assignment.conflict_status == "pending"
    page = text(client.get(_page(dossier)))
    assert "Déclaration attendue" in page


def test_assigning_a_conflicted_expert_is_refused(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    conflicted = expert("ethics")
    ExpertConflict.objects.create(
        expert=conflicted, organisation=dossier.service.organisation, details="Actionnaire."
    )
    client.force_login(cast.instructor)

    response = _assign(client, dossier, "ethics", conflicted)

    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in text(response)
    assert not Assignment.objects.exists()


def test_past_due_date_and_wrong_domain_are_refused(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    person = expert("ethics")
    client.force_login(cast.instructor)
    past = timezone.localdate() - timedelta(days=1)
    response = _assign(client, dossier, "ethics", person, past)
    assert response.status_code == 400
    assert "La date de rendu ne peut pas être passée." in text(response)
    # Data exchange is not requested: its domains do not apply to this dossier.
    assert _assign(client, dossier, "data_exchange_rgpd", person).status_code == 404
    assert not Assignment.objects.exists()


def test_only_instructors_assign(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    person = expert("ethics")
    client.force_login(cast.editor)
    assert client.get(_page(dossier)).status_code == 403
    assert _assign(client, dossier, "ethics", person).status_code == 403
    client.force_login(editor(OrganisationFactory()))
    assert _assign(client, dossier, "ethics", person).status_code == 404
    assert not Assignment.objects.exists()


def test_declaration_page_shows_only_the_service_and_its_editor(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    cast.assign_experts(dossier, declare=False)
    assignment = Assignment.objects.get(dossier=dossier, domain="ethics")
    client.force_login(assignment.expert)

    page = text(client.get(_declare_url(assignment)))

    assert dossier.service.name in page
    assert dossier.service.organisation.name in page
    assert "Je déclare n'avoir aucun conflit d'intérêts avec cet éditeur" in page
    assert dossier.reference not in page
    assert dossier.service.short_description not in page


def test_pending_expert_sees_nothing_of_the_dossier(client):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    Assignment.objects.filter(dossier=dossier).update(conflict_status="pending")
    assignment = Assignment.objects.get(dossier=dossier, domain="ethics")
    evidence = dossier.evidence.filter(requirement__domain="ethics").first()
    client.force_login(assignment.expert)

    detail = client.get(reverse("applications:dossier-detail", args=[dossier.pk]))
    evaluation = client.get(evaluation_url(dossier, "ethics"))
    sign = client.get(reverse("reviews:evaluation-sign", args=[dossier.pk, "ethics"]))
    complements = client.get(reverse("reviews:complements-request", args=[dossier.pk]))

    for response in (detail, evaluation, sign, complements):
        assert response.status_code == 404
    assert client.get(_declare_url(assignment)).status_code == 200
    preview = reverse("reviews:evidence-preview", args=[dossier.pk, evidence.pk])
    download = reverse("applications:evidence-download", args=[dossier.pk, evidence.pk])
    assert client.get(preview).status_code == 404
    assert client.get(download).status_code == 404
    assert client.get(_page(dossier)).status_code == 404


def test_declaring_no_conflict_opens_the_evaluation(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    cast.assign_experts(dossier, declare=False)
    assignment = Assignment.objects.get(dossier=dossier, domain="ethics")
    client.force_login(assignment.expert)

    response = client.post(_declare_url(assignment), {"declaration": "none"})

    assert response.status_code == 302
    assert response.url == evaluation_url(dossier, "ethics")
    assignment.refresh_from_db()
    assert assignment.conflict_status == "none" and assignment.declared_at
    assert client.get(evaluation_url(dossier, "ethics")).status_code == 200
    detail = client.get(reverse("applications:dossier-detail", args=[dossier.pk]))
    assert detail.status_code == 200
    assert "Évaluer : Éthique" in text(detail)


def test_conflict_needs_details(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    cast.assign_experts(dossier, declare=False)
    assignment = Assignment.objects.get(dossier=dossier, domain="ethics")
    client.force_login(assignment.expert)

    response = client.post(_declare_url(assignment), {"declaration": "conflict", "details": " "})

    assert response.status_code == 400
    assert "Décrivez la nature du conflit d'intérêts." in text(response)
    assignment.refresh_from_db()
    assert assignment.conflict_status == "pending" and assignment.released_at is None
    assert not ExpertConflict.objects.exists()


def test_conflict_frees_the_assignment_alerts_instructors_and_bars_the_expert(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    cast.assign_experts(dossier, declare=False)
    assignment = Assignment.objects.get(dossier=dossier, domain="ethics")
    person = assignment.expert
    other_instructor = staff_user("instructor")
    client.force_login(person)

    response = client.post(
        _declare_url(assignment),
        {"declaration": "conflict", "details": "J'ai conseillé cet éditeur en 2024."},
    )

    assert response.status_code == 302 and response.url == reverse("reviews:expert-queue")
    assignment.refresh_from_db()
    assert assignment.conflict_status == "conflict" and assignment.released_at is not None
    conflict = ExpertConflict.objects.get(expert=person)
    assert conflict.organisation == dossier.service.organisation
    alerted = set(
        OutboxMessage.objects.filter(subject__contains="Conflit d'intérêts").values_list(
            "to", flat=True
        )
    )
    assert {cast.instructor.email, other_instructor.email} <= alerted
    # Nothing of the dossier any more.
    assert client.get(evaluation_url(dossier, "ethics")).status_code == 404
    assert client.get(reverse("applications:dossier-detail", args=[dossier.pk])).status_code == 404
    assert client.get(_declare_url(assignment)).status_code == 404

    # The instructor sees the conflict, and assigns someone else; the same expert is refused.
    client.force_login(cast.instructor)
    page = client.get(_page(dossier))
    assert "conflit déclaré" in text(page)
    offered = list(page.context["rows"][1]["form"].fields["expert"].queryset)
    assert person not in offered
    assert _assign(client, dossier, "ethics", person).status_code == 400
    replacement = expert("ethics")
    assert _assign(client, dossier, "ethics", replacement).status_code == 302
    assert Assignment.objects.active().get(dossier=dossier, domain="ethics").expert == replacement
