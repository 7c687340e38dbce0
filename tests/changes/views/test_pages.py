"""The pages of declared changes (changes/views.py) through the test client: the declaration
(valid, refused with French errors and a 400, editorial notices bundled), its confirmation, its
page and the dossier page's section; the qualification behind its confirmation; the to-do
panels of the home page; 404 for a declaration one may not see, 403 for an action one may not
take — and nothing written then."""

import html
import re
from datetime import date

import pytest
import time_machine
from django.db import transaction

from changes.enums import ChangeState
from changes.models import ChangeAttachment, ChangeDeclaration, ChangeEvent, ChangeItem
from tests.assertions import assert_nothing_changed
from tests.changes.helpers import (
    T0,
    declared,
    in_paris,
    other_version_requirement,
    pdf,
    published,
    requirement,
)
from tests.factories import staff_user
from tests.factories.people import editor

pytestmark = pytest.mark.django_db
TABLES = (ChangeDeclaration, ChangeItem, ChangeAttachment, ChangeEvent)


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), time_machine.travel(T0, tick=False):
        yield published()
        transaction.set_rollback(True)


@pytest.fixture
def service(_built, db, private_storage):
    with time_machine.travel(in_paris(date(2026, 3, 20)), tick=False):
        yield _built


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _data(*items, step="relire", **extra):
    data = {
        "element-TOTAL_FORMS": str(len(items)),
        "element-INITIAL_FORMS": "0",
        "element-MIN_NUM_FORMS": "1",
        "element-MAX_NUM_FORMS": "20",
        "etape": step,
        **extra,
    }
    for index, (text, view, requirements) in enumerate(items):
        data[f"element-{index}-text"] = text
        data[f"element-{index}-editor_view"] = view
        data[f"element-{index}-requirements"] = [str(r.pk) for r in requirements]
    return data


def _create_url(dossier):
    return f"/modifications/dossiers/{dossier.pk}/declarer/"


def test_the_editor_declares_reads_over_and_sends(service, client):
    dossier, cast = service
    touched = requirement(dossier)
    client.force_login(cast.editor)
    page = client.get(_create_url(dossier))
    assert page.status_code == 200
    assert touched.code in _text(page)
    data = _data(("Nouveau parcours d'inscription.", "substantial", [touched]))
    data["attachments"] = [pdf("maquette.pdf")]
    response = client.post(_create_url(dossier), data)
    declaration = ChangeDeclaration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/modifications/{declaration.pk}/envoyer/"
    assert declaration.state == ChangeState.DRAFT
    review = client.get(response["Location"])
    text = _text(review)
    assert "Relire et envoyer la déclaration" in text
    assert "Nouveau parcours d'inscription." in text and "maquette.pdf" in text
    assert "20 juin 2026" in text  # due date announced before sending
    sent = client.post(response["Location"])
    assert sent["Location"] == f"/modifications/{declaration.pk}/"
    declaration.refresh_from_db()
    assert declaration.state == ChangeState.DECLARED
    detail = _text(client.get(sent["Location"]))
    assert "À qualifier" in detail and "20 juin 2026" in detail
    attachment = declaration.attachments.get()
    download = client.get(f"/modifications/{declaration.pk}/pieces/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Cache-Control"] == "private, no-store"
    dossier_page = _text(client.get(f"/dossiers/{dossier.pk}/"))
    assert "Modifications déclarées" in dossier_page
    assert f"Modification n° {declaration.pk}" in dossier_page
    client.force_login(cast.instructor)
    dossier_page = _text(client.get(f"/dossiers/{dossier.pk}/"))
    assert "Modifications déclarées" in dossier_page
    assert f"Modification n° {declaration.pk}" in dossier_page
    assert "Demander la déclaration d'une modification constatée" in dossier_page
    assert "20 juin 2026" in dossier_page


def test_an_empty_text_answers_400_in_french_and_writes_nothing(service, client):
    dossier, cast = service
    client.force_login(cast.editor)
    with assert_nothing_changed(dossier, tables=TABLES):
        response = client.post(
            _create_url(dossier), _data(("", "editorial", [requirement(dossier)]))
        )
    assert response.status_code == 400
    assert "Décrivez ce qui change dans le service." in _text(response)


def test_a_requirement_of_another_version_answers_400(service, client):
    dossier, cast = service
    client.force_login(cast.editor)
    foreign = other_version_requirement()
    with assert_nothing_changed(dossier, tables=TABLES):
        response = client.post(_create_url(dossier), _data(("Texte.", "editorial", [foreign])))
    assert response.status_code == 400
    assert "n'appartient pas au référentiel du dossier" in _text(response)


def test_a_refused_attachment_answers_400_with_its_reason(service, client, private_storage):
    from django.core.files.uploadedfile import SimpleUploadedFile

    dossier, cast = service
    client.force_login(cast.editor)
    data = _data(("Texte.", "editorial", [requirement(dossier)]))
    data["attachments"] = [SimpleUploadedFile("vide.pdf", b"", "application/pdf")]
    with assert_nothing_changed(dossier, tables=TABLES):
        response = client.post(_create_url(dossier), data)
    assert response.status_code == 400
    assert "Le fichier « vide.pdf » est vide." in _text(response)
    assert not list(private_storage.rglob("*.pdf"))


def test_editorial_notices_are_bundled_one_more_at_a_time(service, client):
    dossier, cast = service
    client.force_login(cast.editor)
    first = ("Nouveau logo.", "editorial", [requirement(dossier)])
    grown = client.post(_create_url(dossier), _data(first, step="ajouter"))
    assert grown.status_code == 200
    text = _text(grown)
    assert "Modification 2" in text and "Nouveau logo." in text
    assert not ChangeDeclaration.objects.exists()
    second = ("Mentions reformulées.", "editorial", [requirement(dossier, "rgpd")])
    response = client.post(_create_url(dossier), _data(first, second))
    assert response.status_code == 302
    declaration = ChangeDeclaration.objects.get()
    assert [i.text for i in declaration.items.all()] == ["Nouveau logo.", "Mentions reformulées."]
    substantial = ("Nouvel algorithme.", "substantial", [requirement(dossier)])
    refused = client.post(_create_url(dossier), _data(first, substantial))
    assert refused.status_code == 400
    assert "déclarez une modification substantielle seule" in _text(refused)


def test_who_may_open_what(service, client):
    dossier, cast = service
    declaration = declared(dossier, cast.editor)
    draft_url = f"/modifications/{declaration.pk}/"
    stranger = editor()
    client.force_login(stranger)
    assert client.get(draft_url).status_code == 404
    assert client.get(_create_url(dossier)).status_code == 404  # the dossier is not theirs
    client.force_login(cast.instructor)
    assert client.get(draft_url).status_code == 200
    with assert_nothing_changed(dossier, tables=TABLES):
        assert client.post(_create_url(dossier), _data(("T.", "editorial", []))).status_code == 403
    client.force_login(cast.ministry)
    assert client.get(draft_url).status_code == 200
    with assert_nothing_changed(tables=TABLES, rows=(declaration,)):
        response = client.post(
            f"/modifications/{declaration.pk}/qualifier/",
            {"outcome": "editorial", "reason": "R.", "confirmed": "on"},
        )
    assert response.status_code == 403
    client.force_login(cast.editor)
    assert client.get(f"/modifications/{declaration.pk}/qualifier/").status_code == 403
    expert = next(iter(cast.experts.values()))
    client.force_login(expert)
    assert client.get(draft_url).status_code == 404  # not a partial review of theirs


def test_a_draft_is_seen_only_by_its_editor(service, client):
    dossier, cast = service
    client.force_login(cast.editor)
    client.post(_create_url(dossier), _data(("Texte.", "editorial", [requirement(dossier)])))
    draft = ChangeDeclaration.objects.get()
    client.force_login(cast.instructor)
    assert client.get(f"/modifications/{draft.pk}/").status_code == 404
    assert client.get(f"/modifications/{draft.pk}/envoyer/").status_code == 404


def test_the_instructor_qualifies_after_confirming(service, client):
    dossier, cast = service
    declaration = declared(dossier, cast.editor)
    url = f"/modifications/{declaration.pk}/qualifier/"
    client.force_login(cast.instructor)
    assert client.get(url).status_code == 200
    missing = client.post(url, {"outcome": "editorial", "reason": ""})
    assert missing.status_code == 400
    assert "Indiquez le motif de la qualification" in _text(missing)
    with assert_nothing_changed(tables=(ChangeEvent,), rows=(declaration,)):
        confirm = client.post(url, {"outcome": "editorial", "reason": "Changement de logo."})
    assert confirm.status_code == 200
    assert "Confirmer la qualification" in _text(confirm)
    done = client.post(
        url, {"outcome": "editorial", "reason": "Changement de logo.", "confirmed": "on"}
    )
    assert done.status_code == 302
    declaration.refresh_from_db()
    assert declaration.state == ChangeState.EDITORIAL
    client.force_login(cast.editor)
    page = _text(client.get(f"/modifications/{declaration.pk}/"))
    assert "Changement de logo." in page
    assert f"/catalogue/fiches/services/{dossier.service_id}/" in page


def test_the_home_page_shows_each_its_to_do(service, client):
    dossier, cast = service
    declaration = declared(dossier, cast.editor)
    client.force_login(cast.instructor)
    home = _text(client.get("/"))
    assert "Modifications déclarées à qualifier" in home
    assert re.search(rf"Modification n° {declaration.pk}.*20 juin 2026", home, re.S)
    client.post(
        f"/modifications/dossiers/{dossier.pk}/demander/",
        {"description": "Fonction constatée.", "confirmed": "on"},
    )
    client.force_login(cast.editor)
    home = _text(client.get("/"))
    assert "Modifications à déclarer" in home
    assert "Fonction constatée." in home and "17 avril 2026" in home


def test_the_request_page_confirms_first(service, client):
    dossier, cast = service
    url = f"/modifications/dossiers/{dossier.pk}/demander/"
    client.force_login(cast.instructor)
    from changes.models import ChangeRequest

    with assert_nothing_changed(dossier, tables=(ChangeRequest,)):
        confirm = client.post(url, {"description": "Constat."})
        assert confirm.status_code == 200
        assert "17 avril 2026" in _text(confirm)
        assert client.post(url, {"description": ""}).status_code == 400
    client.force_login(cast.editor)
    assert client.post(url, {"description": "C.", "confirmed": "on"}).status_code == 403
    client.force_login(staff_user("instructor"))
    assert client.post(url, {"description": "C.", "confirmed": "on"}).status_code == 302


def test_the_panel_and_the_section_cost_the_same_at_one_and_three_declarations(service, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dossier, cast = service
    declared(dossier, cast.editor)
    counts = {}
    for size in (1, 3):
        while ChangeDeclaration.objects.count() < size:
            declared(dossier, cast.editor)
        for who, url in ((cast.instructor, "/"), (cast.instructor, f"/dossiers/{dossier.pk}/")):
            client.force_login(who)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts[(size, url)] = len(captured)
    assert counts[(1, "/")] == counts[(3, "/")]
    assert counts[(1, f"/dossiers/{dossier.pk}/")] == counts[(3, f"/dossiers/{dossier.pk}/")]


def test_a_new_dossier_qualification_links_the_editor_to_the_next_dossier(service, client):
    from changes.domain.qualification import change_qualify

    dossier, cast = service
    declaration = declared(dossier, cast.editor)
    change_qualify(
        declaration=declaration, actor=cast.instructor, outcome="new_dossier", reason="Refonte."
    )
    client.force_login(cast.editor)
    page = _text(client.get(f"/modifications/{declaration.pk}/"))
    assert "Préparer le nouveau dossier de ce service" in page
    assert (
        f"/dossiers/{dossier.pk}/renouvellement/" in page
        or f"/dossiers/services/{dossier.service_id}/" in page
    )
