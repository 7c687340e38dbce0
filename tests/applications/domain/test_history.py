"""Edits that are not transitions keep who, when, the previous and the new value, and the
dossier page shows them: the editor's side to the organisation and the team, the experts' and
commission's side to the team only."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.domain import transitions as t
from applications.domain.history import dossier_changes
from applications.enums import DossierState
from applications.models import Answer, Service
from reviews.domain.evaluation import verdict_save
from reviews.models import Verdict, Vote
from tests.factories import staff_user
from tests.factories.dossiers import dossier_in_state

S = DossierState
pytestmark = pytest.mark.django_db

SERVICE_FORM = {
    "name": "SuiviTension",
    "short_description": "Suivre sa tension artérielle au quotidien.",
    "long_description": "Relevés, courbes et rappels.",
    "web_url": "https://suivitension.example.fr/",
    "ios_url": "",
    "android_url": "",
    "price_model": "free",
    "themes": ["chronic"],
    "regions": ["BRE"],
    "has_connected_devices": "false",
    "connected_devices": "",
    "is_medical_device": "false",
    "medical_device_class": "",
    "requests_data_exchange": "false",
}


def page_text(response) -> str:
    """The page's text, tags removed and white space collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def autosave(client, dossier, code, version, **fields):
    data = {"status": "", "justification": "", "free_text": "", "version": version, **fields}
    url = reverse("applications:answer-update", args=[dossier.pk, code])
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response


def detail(client, dossier):
    response = client.get(reverse("applications:dossier-detail", args=[dossier.pk]))
    assert response.status_code == 200
    return response


@pytest.fixture
def edited(client):
    """A dossier whose editor, while it was a draft, autosaved an answer twice and changed the
    service description through the real views, then filed it (drafts are the editor's only)."""
    dossier, cast = dossier_in_state(S.DRAFT)
    client.force_login(cast.editor)
    autosave(client, dossier, "ETH-ACC-01", 1, status="compliant", justification="Pas d'écran.")
    autosave(
        client,
        dossier,
        "ETH-ACC-01",
        2,
        status="compliant",
        justification="Pas d'interface graphique.",
    )
    url = reverse("applications:service-update", args=[dossier.service_id])
    response = client.post(url, {**SERVICE_FORM, "name": dossier.service.name})
    assert response.status_code == 302
    dossier = t.dossier_submit(dossier=dossier, actor=cast.editor)
    return dossier, cast


def test_each_save_writes_a_history_row_with_its_author(edited):
    dossier, cast = edited
    answer = Answer.objects.get(dossier=dossier, requirement__code="ETH-ACC-01")
    rows = list(answer.history.order_by("history_date"))
    assert [row.history_type for row in rows] == ["+", "~", "~"]
    assert [row.justification for row in rows] == ["", "Pas d'écran.", "Pas d'interface graphique."]
    assert rows[-1].history_user == cast.editor  # the first one was saved by a factory
    service_rows = Service.history.filter(id=dossier.service_id).order_by("history_date")
    assert service_rows.last().history_user == cast.editor
    assert service_rows.last().long_description == "Relevés, courbes et rappels."


def test_staff_sees_previous_and_new_values_of_the_editors_edits(client, edited):
    dossier, cast = edited
    client.force_login(cast.instructor)
    text = page_text(detail(client, dossier))
    assert "Modifications" in text
    assert "Réponse à l'exigence ETH-ACC-01" in text
    assert "(vide) → Pas d'écran." in text
    assert "Pas d'écran. → Pas d'interface graphique." in text
    assert "(vide) → Relevés, courbes et rappels." in text
    assert "Un service de test. → Suivre sa tension artérielle au quotidien." in text
    assert "Description du service" in text
    assert str(cast.editor) in text


def test_editor_sees_own_side_but_not_the_experts_history(client):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    requirement = Answer.objects.filter(dossier=dossier).first().requirement
    expert = cast.experts[requirement.domain]
    verdict_save(
        dossier=dossier, requirement=requirement, actor=expert, verdict="compliant", comment=""
    )
    verdict_save(
        dossier=dossier,
        requirement=requirement,
        actor=expert,
        verdict="partial",
        comment="Preuve incomplète.",
    )
    assert Verdict.history.filter(dossier_id=dossier.pk).count() == 2

    client.force_login(cast.instructor)
    staff_text = page_text(detail(client, dossier))
    assert f"Avis d'expert sur l'exigence {requirement.code}" in staff_text
    assert "Conforme → Partiellement conforme" in staff_text
    assert "(vide) → Preuve incomplète." in staff_text
    assert "Affectation — domaine" in staff_text

    client.force_login(cast.editor)
    editor_text = page_text(detail(client, dossier))
    assert "Modifications" in editor_text
    assert f"Réponse à l'exigence {requirement.code}" in editor_text  # their own answers
    assert "Avis d'expert" not in editor_text
    assert "Preuve incomplète" not in editor_text
    assert "Affectation" not in editor_text
    assert "interne" not in editor_text


def test_votes_history_is_shown_to_the_team_once_the_vote_is_closed(client):
    dossier, cast = dossier_in_state(S.IN_COMMISSION)
    cast.vote(dossier, "favorable")
    assert Vote.history.filter(item__dossier_id=dossier.pk).count() == 2
    client.force_login(cast.instructor)
    assert f"Vote de {cast.chair}" in page_text(detail(client, dossier))
    client.force_login(cast.editor)
    assert "Vote de" not in page_text(detail(client, dossier))


def test_experts_and_outsiders_of_the_team_get_no_changes():
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    expert = next(iter(cast.experts.values()))
    assert dossier_changes(dossier=dossier, user=expert) == []
    assert dossier_changes(dossier=dossier, user=cast.member) == []
    assert dossier_changes(dossier=dossier, user=staff_user("instructor")) != []


def test_changes_section_query_count_does_not_grow_with_the_changes(client, edited):
    dossier, cast = edited
    client.force_login(cast.instructor)
    detail(client, dossier)  # warm-up (session, roles)
    with CaptureQueriesContext(connection) as few:
        detail(client, dossier)
    answer = Answer.objects.get(dossier=dossier, requirement__code="ETH-ACC-01")
    for version in range(3, 9):  # more changes, as an editor's colleague could make in a loop
        answer.justification, answer.version = f"v{version}", version + 1
        answer.save()
    assert answer.history.count() == 9
    client.force_login(cast.instructor)
    detail(client, dossier)
    with CaptureQueriesContext(connection) as many:
        response = detail(client, dossier)
    assert "v7 → v8" in page_text(response)
    assert len(many) == len(few)


def test_dossier_changes_reads_a_fixed_number_of_queries(django_assert_num_queries, edited):
    dossier, cast = edited
    instructor = staff_user("instructor")
    instructor.has_role("instructor")  # roles are read once per user object
    with django_assert_num_queries(6):  # 3 for the editor's side, 3 for the team's
        changes = dossier_changes(dossier=dossier, user=instructor)
    assert len(changes) > 3
