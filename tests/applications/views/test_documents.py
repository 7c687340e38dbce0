"""The document library's pages (applications/views/documents.py): the list with where each
document is used, several files uploaded at once (without JavaScript, and one by one as the
script sends them, in JSON), the requirements a document supports, its removal after a
confirmation, the picker of a requirement's evidence block, the read-only view for experts and
the team; 404 for those who may not see the dossier, 403 for an action the state forbids."""

import json
import re
from datetime import UTC, datetime
from html import unescape

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.domain.documents import document_upload, evidence_attach
from applications.enums import DossierState
from applications.models import Document, Evidence, Requirement
from tests.assertions import assert_nothing_changed
from tests.factories import OrganisationFactory, editor, expert
from tests.factories.dossiers import TINY_PDF, dossier_in_state
from tests.portal.test_uploads import CountingBody, post_streamed

S = DossierState
pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JSON = {"HTTP_ACCEPT": "application/json"}
MEGABYTE = 1024 * 1024
#: 14 July 2026, 10:30 in Paris.
UPLOADED_AT = datetime(2026, 7, 14, 8, 30, tzinfo=UTC)


def text(response_or_html) -> str:
    html = getattr(response_or_html, "content", response_or_html)
    html = html.decode() if isinstance(html, bytes) else html
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def url(name, dossier, *args):
    return reverse(f"applications:{name}", args=[dossier.pk, *args])


def requirement(dossier, code):
    return Requirement.objects.get(version=dossier.referential_version, code=code)


def pdf(name="preuve.pdf", content=TINY_PDF):
    return SimpleUploadedFile(name, content, "application/pdf")


@pytest.fixture
def draft(client):
    dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    client.force_login(cast.editor)
    return dossier, cast


def _library_document(dossier, person, name="charte.pdf", codes=(), content=TINY_PDF):
    document, _ = document_upload(dossier=dossier, actor=person, uploaded=pdf(name, content))
    for code in codes:
        evidence_attach(document=document, requirement=requirement(dossier, code), actor=person)
    return document


# --- The library page ---------------------------------------------------------------------------


def test_library_lists_each_document_with_where_it_is_used_its_size_who_and_when(client, draft):
    dossier, cast = draft
    with time_machine.travel(UPLOADED_AT, tick=False):
        document = _library_document(dossier, cast.editor, codes=("ETH-ACC-01", "RGPD-FIN-01"))
    _library_document(dossier, cast.editor, "annexe.pdf", content=TINY_PDF + b"%annexe\n")

    response = client.get(url("document-library", dossier))

    assert response.status_code == 200
    page = text(response)
    assert "2 documents déposés" in page
    row = re.search(rf'<tr id="document-{document.pk}">.*?</tr>', response.content.decode(), re.S)
    cells = text(row.group(0))
    assert "charte.pdf" in cells
    assert "ETH-ACC-01 — Déclaration d'accessibilité" in cells
    assert "RGPD-FIN-01 — Registre des traitements" in cells
    assert "45 octets" in cells
    assert str(cast.editor) in cells
    assert "14 juillet 2026, 10:30" in cells
    assert "Aucune exigence" in page  # the annex supports nothing yet
    html = response.content.decode()
    assert f'href="{url("document-download", dossier, document.pk)}"' in html
    assert f'href="{url("document-requirements", dossier, document.pk)}"' in html
    assert 'type="file" multiple id="documents-fichiers" name="file"' in html
    assert "portal/documents.js" in html


def test_library_reads_the_same_number_of_queries_for_one_or_three_documents(client, draft):
    dossier, cast = draft
    _library_document(dossier, cast.editor, "a.pdf", codes=("ETH-ACC-01",))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("document-library", dossier)).status_code == 200
        return len(captured)

    one = queries()
    for name in ("b.pdf", "c.pdf"):
        _library_document(
            dossier, cast.editor, name, ("RGPD-FIN-01",), TINY_PDF + name.encode() + b"\n"
        )
    assert queries() == one


def test_library_for_htmx_is_the_list_alone(client, draft):
    dossier, cast = draft
    _library_document(dossier, cast.editor)
    response = client.get(url("document-library", dossier), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'id="documents-liste"' in html and "charte.pdf" in html
    assert "HX-Request" in response["Vary"]


def test_library_of_a_filed_dossier_is_read_only(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    client.force_login(cast.editor)
    response = client.get(url("document-library", dossier))
    assert response.status_code == 200
    assert "lecture seule" in text(response)
    html = response.content.decode()
    assert "<form" not in html.split('id="content"', 1)[1].split("</main>", 1)[0]
    assert "preuve.pdf" in html


# --- Uploads ------------------------------------------------------------------------------------


def test_several_files_without_javascript_keep_the_good_ones_and_say_why(client, draft):
    dossier, _cast = draft
    files = [pdf("charte.pdf"), pdf("ecran.pdf", PNG), SimpleUploadedFile("logo.png", PNG)]

    response = client.post(url("document-upload", dossier), {"file": files})

    assert response.status_code == 400
    page = text(response)
    assert "Fichiers non déposés" in page
    assert "Le fichier « ecran.pdf » est en réalité une image PNG" in page
    assert "Documents déposés : « charte.pdf » et « logo.png »." in page
    assert "<title>Erreur : " in response.content.decode()
    assert sorted(Document.objects.filter(dossier=dossier).values_list("name", flat=True)) == [
        "charte.pdf",
        "logo.png",
    ]


def test_good_files_without_javascript_come_back_to_the_library(client, draft):
    dossier, _cast = draft
    response = client.post(url("document-upload", dossier), {"file": [pdf("a.pdf")]})
    assert response.status_code == 302
    assert response["Location"] == url("document-library", dossier)
    assert "Document déposé : « a.pdf »." in text(client.get(response["Location"]))
    again = client.post(url("document-upload", dossier), {"file": [pdf("a-bis.pdf")]})
    assert again.status_code == 302
    assert "était déjà dans les documents du dossier" in text(client.get(again["Location"]))
    assert Document.objects.filter(dossier=dossier).count() == 1


def test_no_file_chosen_says_so(client, draft):
    dossier, _cast = draft
    with assert_nothing_changed(dossier, tables=(Document,)):
        response = client.post(url("document-upload", dossier), {})
        answer = client.post(url("document-upload", dossier), {}, **JSON)
    assert response.status_code == 400
    assert "Choisissez au moins un fichier à déposer." in text(response)
    assert answer.status_code == 400
    assert answer.json() == {"results": [], "errors": ["Choisissez au moins un fichier à déposer."]}


def test_the_script_sends_one_file_a_request_and_reads_json(client, draft):
    dossier, _cast = draft

    kept = client.post(url("document-upload", dossier), {"file": pdf("charte.pdf")}, **JSON)
    refused = client.post(url("document-upload", dossier), {"file": pdf("vide.pdf", b"")}, **JSON)

    assert kept.status_code == 200
    assert kept.json() == {
        "results": [{"name": "charte.pdf", "ok": True, "message": "« charte.pdf » est déposé."}],
        "errors": [],
    }
    assert refused.status_code == 400
    assert refused.json()["results"] == [
        {"name": "vide.pdf", "ok": False, "message": "Le fichier « vide.pdf » est vide."}
    ]
    assert Document.objects.filter(dossier=dossier).count() == 1


def test_an_oversized_upload_is_refused_unread_with_413(client, draft):
    dossier, _cast = draft
    with assert_nothing_changed(dossier, tables=(Document,)):
        body = CountingBody(25 * MEGABYTE)
        page = post_streamed(client, url("document-upload", dossier), body)
        body_json = CountingBody(25 * MEGABYTE)
        answer = client.generic(
            "POST",
            url("document-upload", dossier),
            CONTENT_LENGTH=str(body_json.length),
            CONTENT_TYPE="multipart/form-data; boundary=limite-de-test",
            HTTP_ACCEPT="application/json",
            **{"wsgi.input": body_json},
        )
    assert page.status_code == 413 and body.position == 0
    assert "L'envoi dépasse la taille maximale de 21 Mo" in text(page)
    assert answer.status_code == 413 and body_json.position == 0
    assert "aucun fichier n'a été reçu" in json.loads(answer.content)["errors"][0]


# --- Attaching from the library -----------------------------------------------------------------


def test_choosing_the_requirements_of_a_document(client, draft):
    dossier, cast = draft
    document = _library_document(dossier, cast.editor, codes=("DOC-HDS-02",))
    page_url = url("document-requirements", dossier, document.pk)

    page = client.get(page_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'value="DOC-HDS-02" id="exigence-DOC-HDS-02" checked', html)
    assert 'value="ETH-ACC-01" id="exigence-ETH-ACC-01">' in html

    response = client.post(page_url, {"requirements": ["ETH-ACC-01", "RGPD-FIN-01"]})

    assert response.status_code == 302
    assert response["Location"] == url("document-library", dossier)
    current = document.evidence.filter(removed_at=None).values_list("requirement__code", flat=True)
    assert sorted(current) == ["ETH-ACC-01", "RGPD-FIN-01"]
    library = text(client.get(response["Location"]))
    assert "Les exigences du document « charte.pdf » sont enregistrées." in library
    # A code that is not offered is refused, and nothing changes.
    with assert_nothing_changed(dossier, tables=(Evidence,)):
        assert client.post(page_url, {"requirements": ["DES-SEC-01"]}).status_code == 400


def test_removing_a_document_asks_first_then_takes_it_off_everything(client, draft):
    dossier, cast = draft
    document = _library_document(dossier, cast.editor, codes=("ETH-ACC-01", "RGPD-FIN-01"))
    remove_url = url("document-remove", dossier, document.pk)

    confirm = client.get(remove_url)
    assert confirm.status_code == 200
    assert "Ce document justifie 2 exigences ; il en sera retiré" in text(confirm)
    assert "Ce retrait ne s'annule pas" in text(confirm)
    assert document.evidence.filter(removed_at=None).count() == 2  # nothing done yet

    response = client.post(remove_url)

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.removed_at is not None
    assert not document.evidence.filter(removed_at=None).exists()
    assert "Le document « charte.pdf » est retiré du dossier." in text(
        client.get(response["Location"])
    )
    assert client.get(remove_url).status_code == 404  # gone from the draft


# --- A requirement's evidence block -------------------------------------------------------------


def test_the_requirement_block_offers_the_library_and_attaches_from_it(client, draft):
    dossier, cast = draft
    attached = _library_document(dossier, cast.editor, "deja.pdf", codes=("ETH-ACC-01",))
    other = _library_document(dossier, cast.editor, "autre.pdf", content=TINY_PDF + b"%x\n")
    fragment = client.get(
        reverse("applications:requirement-detail", args=[dossier.pk, "ETH-ACC-01"]),
        HTTP_HX_REQUEST="true",
    ).content.decode()
    picker = re.search(r'<select[^>]*id="document-ETH-ACC-01".*?</select>', fragment, re.S)
    assert picker and f'value="{other.pk}"' in picker.group(0)
    assert f'value="{attached.pk}"' not in picker.group(0)
    assert 'type="file" multiple id="fichier-ETH-ACC-01"' in fragment

    response = client.post(url("evidence-attach", dossier, "ETH-ACC-01"), {"document": other.pk})

    assert response.status_code == 302
    assert Evidence.objects.filter(
        document=other, requirement__code="ETH-ACC-01", removed_at=None
    ).exists()
    page = text(client.get(response["Location"]))
    assert "Document « autre.pdf » joint à l'exigence ETH-ACC-01." in page


def test_attaching_a_document_of_another_dossier_is_refused(client, draft):
    dossier, cast = draft
    elsewhere, their_cast = dossier_in_state(S.DRAFT, filled=False)
    theirs = _library_document(elsewhere, their_cast.editor)
    with assert_nothing_changed(dossier, elsewhere, tables=(Evidence,)):
        response = client.post(
            url("evidence-attach", dossier, "ETH-ACC-01"), {"document": theirs.pk}
        )
    assert response.status_code == 400
    assert "Ce document n'est pas parmi les documents du dossier." in text(response)


def test_the_requirement_upload_takes_several_files_and_keeps_the_good_ones(client, draft):
    dossier, _cast = draft
    response = client.post(
        url("evidence-upload", dossier, "ETH-ACC-01"),
        {"file": [pdf("a.pdf"), pdf("b.pdf", b"MZ" + b"\x00" * 40)]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="fichier-ETH-ACC-01-erreur"' in html
    assert "Le fichier « b.pdf » n'est pas un document PDF valide" in text(response)
    assert "Pièce « a.pdf » ajoutée à l'exigence ETH-ACC-01." in text(response)
    links = Evidence.objects.filter(dossier=dossier, requirement__code="ETH-ACC-01")
    assert [link.name for link in links] == ["a.pdf"]


def test_detaching_from_a_requirement_keeps_the_document_in_the_library(client, draft):
    dossier, cast = draft
    document = _library_document(dossier, cast.editor, codes=("ETH-ACC-01",))
    link = document.evidence.get()
    response = client.post(reverse("applications:evidence-delete", args=[dossier.pk, link.pk]))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.removed_at is not None
    page = text(client.get(response["Location"]))
    assert "retirée de l'exigence ETH-ACC-01 ; elle reste dans les documents du dossier" in page
    assert "charte.pdf" in text(client.get(url("document-library", dossier)))


# --- Who may see, who may act -------------------------------------------------------------------


def test_another_organisation_gets_404_everywhere(client, draft):
    dossier, cast = draft
    document = _library_document(dossier, cast.editor, codes=("ETH-ACC-01",))
    client.force_login(editor(OrganisationFactory()))
    with assert_nothing_changed(dossier, tables=(Document, Evidence), rows=(document,)):
        for name, args in [
            ("document-library", ()),
            ("document-library-filed", ()),
            ("document-download", (document.pk,)),
            ("document-requirements", (document.pk,)),
            ("document-remove", (document.pk,)),
        ]:
            assert client.get(url(name, dossier, *args)).status_code == 404, name
        for name, args, data in [
            ("document-upload", (), {"file": pdf()}),
            ("document-requirements", (document.pk,), {"requirements": []}),
            ("document-remove", (document.pk,), {}),
            ("evidence-attach", ("ETH-ACC-01",), {"document": document.pk}),
        ]:
            assert client.post(url(name, dossier, *args), data).status_code == 404, name
    client.logout()
    assert client.get(url("document-library", dossier)).status_code == 302


@pytest.mark.parametrize("state", [S.SUBMITTED, S.UNDER_EVALUATION])
def test_the_editor_may_change_nothing_once_filed(client, state):
    dossier, cast = dossier_in_state(state)
    client.force_login(cast.editor)
    document = Document.objects.get(dossier=dossier)
    with assert_nothing_changed(dossier, tables=(Document, Evidence), rows=(document,)):
        for name, args, data in [
            ("document-upload", (), {"file": pdf("nouveau.pdf", TINY_PDF + b"%n\n")}),
            ("document-requirements", (document.pk,), {"requirements": []}),
            ("document-remove", (document.pk,), {}),
            ("evidence-attach", ("ETH-ACC-01",), {"document": document.pk}),
        ]:
            assert client.post(url(name, dossier, *args), data).status_code == 403, name
        assert client.get(url("document-remove", dossier, document.pk)).status_code == 403
        assert client.get(url("document-requirements", dossier, document.pk)).status_code == 403


# --- What experts and the team read -------------------------------------------------------------


@pytest.fixture
def evaluating():
    """Under evaluation: the factories' PDF on ETH-ACC-01 and RGPD-FIN-01, plus a PNG on
    RGPD-FIN-01 only, all filed."""
    from applications.domain import transitions as t

    dossier, cast = dossier_in_state(S.INCOMPLETE)
    _library_document(dossier, cast.editor, "registre.png", ("RGPD-FIN-01",), PNG)
    dossier = t.dossier_resubmit(dossier=dossier, actor=cast.editor)
    cast.assign_experts(dossier)
    dossier = t.dossier_start_evaluation(dossier=dossier, actor=cast.instructor)
    return dossier, cast


def test_an_expert_reads_each_document_once_within_their_domains(client, evaluating):
    dossier, cast = evaluating
    client.force_login(cast.experts["ethics"])

    response = client.get(url("document-library-filed", dossier))

    assert response.status_code == 200
    page = text(response)
    assert "révision déposée n° 2" in page
    assert "Seuls figurent les documents des domaines qui vous sont confiés." in page
    assert "preuve.pdf" in page and "ETH-ACC-01 — Déclaration d'accessibilité" in page
    assert "registre.png" not in page and "RGPD-FIN-01" not in page
    png = Document.objects.get(dossier=dossier, name="registre.png")
    shared = Document.objects.get(dossier=dossier, name="preuve.pdf")
    assert client.get(url("document-download", dossier, shared.pk)).status_code == 200
    assert client.get(url("document-download", dossier, png.pk)).status_code == 404
    # Linked from the evaluation screen.
    evaluation = client.get(reverse("reviews:evaluation", args=[dossier.pk, "ethics"]))
    assert f'href="{url("document-library-filed", dossier)}"' in evaluation.content.decode()

    client.force_login(cast.experts["rgpd"])
    page = text(client.get(url("document-library-filed", dossier)))
    assert page.count("preuve.pdf") == 1 and "registre.png" in page
    assert "ETH-ACC-01" not in page


def test_the_team_reads_every_filed_document_and_outsiders_get_404(client, evaluating):
    dossier, cast = evaluating
    client.force_login(cast.instructor)
    page = text(client.get(url("document-library-filed", dossier)))
    assert "2 documents déposés" in page
    assert "Seuls figurent" not in page
    assert "ETH-ACC-01" in page and "RGPD-FIN-01" in page
    for person in (expert("ethics"), editor(OrganisationFactory())):
        client.force_login(person)
        assert client.get(url("document-library-filed", dossier)).status_code == 404


def test_filed_library_reads_the_same_number_of_queries_for_one_or_three_documents(client):
    from applications.domain import transitions as t

    counts = []
    for extra in (0, 2):
        dossier, cast = dossier_in_state(S.DRAFT)
        for index in range(extra):
            _library_document(
                dossier,
                cast.editor,
                f"annexe-{index}.pdf",
                ("ETH-ACC-01",),
                TINY_PDF + f"%{index}\n".encode(),
            )
        t.dossier_submit(dossier=dossier, actor=cast.editor)
        client.force_login(cast.instructor)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url("document-library-filed", dossier))
        assert response.status_code == 200
        assert text(response).count("annexe-") == extra
        counts.append(len(captured))
    assert counts[0] == counts[1]
