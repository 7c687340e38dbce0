"""Who reaches which page: 404 for someone else's dossier, login for anonymous people, MFA set-up
for staff without TOTP."""

import pytest
from django.urls import reverse

from applications.domain.workflow import TRANSITIONS
from applications.enums import DossierState
from applications.models import Dossier, TransitionLog
from tests.assertions import assert_nothing_changed
from tests.factories import OrganisationFactory, editor, staff_user
from tests.factories.dossiers import dossier_in_state

S = DossierState
pytestmark = pytest.mark.django_db


def dossier_urls(dossier):
    yield reverse("applications:dossier-detail", args=[dossier.pk])
    for name in TRANSITIONS:
        yield reverse("applications:dossier-transition", args=[dossier.pk, name])


def test_editor_of_another_organisation_gets_404_on_every_dossier_url(client):
    dossier, _cast = dossier_in_state(S.SUBMITTED)
    outsider = editor(OrganisationFactory())
    client.force_login(outsider)
    with assert_nothing_changed(dossier):
        for url in dossier_urls(dossier):
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"transition-comment": "x"}).status_code == 404, url


def test_anonymous_is_sent_to_login(client):
    dossier, _cast = dossier_in_state(S.DRAFT)
    for url in dossier_urls(dossier):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login") + "?next=")


def test_staff_without_mfa_is_sent_to_totp_setup(client):
    instructor = staff_user("instructor", totp=False)
    client.force_login(instructor)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_staff_with_mfa_reaches_their_home(client):
    client.force_login(staff_user("instructor"))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Dossiers à instruire" in response.content.decode()


def test_editor_without_mfa_is_not_forced(client):
    client.force_login(editor(OrganisationFactory()))
    assert client.get(reverse("home")).status_code == 200


def test_expert_sees_only_assigned_dossiers(client):
    assigned, cast = dossier_in_state(S.UNDER_EVALUATION)
    other, _ = dossier_in_state(S.UNDER_EVALUATION)
    expert = next(iter(cast.experts.values()))
    client.force_login(expert)
    assert client.get(reverse("applications:dossier-detail", args=[assigned.pk])).status_code == 200
    assert client.get(reverse("applications:dossier-detail", args=[other.pk])).status_code == 404


def test_instructor_does_not_see_drafts(client):
    draft, cast = dossier_in_state(S.DRAFT)
    client.force_login(cast.instructor)
    assert client.get(reverse("applications:dossier-detail", args=[draft.pk])).status_code == 404


def test_transition_through_the_page_writes_one_audit_row(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    client.force_login(cast.instructor)
    url = reverse("applications:dossier-transition", args=[dossier.pk, "declare_incomplete"])
    page = client.get(url)
    assert page.status_code == 200
    assert "Motif (obligatoire)" in page.content.decode()
    # Without the required reason: a French error, 400, nothing written.
    with assert_nothing_changed(dossier):
        response = client.post(url, {"transition-comment": ""})
    assert response.status_code == 400
    assert "Ce champ est obligatoire" in response.content.decode()
    response = client.post(url, {"transition-comment": "L'AIPD manque."})
    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).state == S.INCOMPLETE
    log = TransitionLog.objects.filter(dossier=dossier).latest("seq")
    assert (log.transition, log.actor, log.comment) == (
        "declare_incomplete",
        cast.instructor,
        "L'AIPD manque.",
    )


def test_action_not_offered_to_the_user_answers_403_and_changes_nothing(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    client.force_login(cast.editor)
    url = reverse("applications:dossier-transition", args=[dossier.pk, "start_evaluation"])
    with assert_nothing_changed(dossier):
        assert client.post(url, {"transition-comment": ""}).status_code == 403


def test_blocked_action_shows_why(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    client.force_login(cast.instructor)
    page = client.get(reverse("applications:dossier-detail", args=[dossier.pk]))
    assert "Impossible de lancer l&#x27;évaluation : aucun expert affecté" in page.content.decode()
    url = reverse("applications:dossier-transition", args=[dossier.pk, "start_evaluation"])
    with assert_nothing_changed(dossier):
        response = client.post(url, {"transition-comment": ""})
    assert response.status_code == 400


def test_timeline_lists_every_transition_in_french(client):
    dossier, cast = dossier_in_state(S.COMPLEMENTS_REQUESTED)
    client.force_login(cast.editor)
    html = client.get(reverse("applications:dossier-detail", args=[dossier.pk])).content.decode()
    for label in [
        "Création du dossier",
        "Dépôt du dossier",
        "Lancement de l&#x27;évaluation",
        "Demande de compléments",
        "Précisez.",
    ]:
        assert label in html
    assert "de « Brouillon » à « Déposé »" in html
    assert str(cast.instructor) in html


def test_expert_who_has_not_declared_reaches_no_page_of_the_dossier(client):
    """Only their declaration page, reached from "Mes évaluations" (reviews/rules.py)."""
    dossier, cast = dossier_in_state(S.SUBMITTED)
    cast.assign_experts(dossier, declare=False)
    expert = next(iter(cast.experts.values()))
    client.force_login(expert)
    with assert_nothing_changed(dossier):
        for url in dossier_urls(dossier):
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"transition-comment": "x"}).status_code == 404, url
        questionnaire = reverse("applications:questionnaire", args=[dossier.pk])
        assert client.get(questionnaire).status_code == 404


def test_cleared_expert_does_not_get_the_editor_questionnaire_buttons(client):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    client.force_login(next(iter(cast.experts.values())))
    html = client.get(reverse("applications:dossier-detail", args=[dossier.pk])).content.decode()
    assert reverse("applications:questionnaire", args=[dossier.pk]) not in html
