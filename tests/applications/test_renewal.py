"""Renewal dossiers (applications/domain/renewal.py): who may open one and when, the pre-fill
across a referential change (removed, added, changed, unchanged requirements), the documents
copied once, the confirmation of each copied answer, the filing blocked until then, and the
whole in one transaction."""

import re
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from applications.domain.questionnaire import answer_save
from applications.domain.renewal import (
    answer_confirm,
    open_renewal,
    renewal_changes,
    renewal_open,
    renewal_problem,
)
from applications.domain.transitions import dossier_submit, dossier_withdraw
from applications.enums import DossierState
from applications.models import Answer, Document, Dossier, Evidence, Requirement, TransitionLog
from applications.models.questionnaire import CarriedOver
from catalogue.domain.expiry import renewal_under_way
from tests.catalogue.report_tools import renewal_dossier
from tests.factories.dossiers import dossier_in_state, renewed_referential
from tests.factories.people import OrganisationFactory, editor, staff_user

S = DossierState
pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def published(private_storage):
    """A published dossier filled in on T1: DOC-HDS-02 (no evidence), ETH-ACC-01 and
    RGPD-FIN-01 « Conforme » with the same PDF (one document, two links)."""
    dossier, cast = dossier_in_state(S.PUBLISHED)
    return dossier, cast


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _answers(dossier) -> dict[str, Answer]:
    return {
        a.requirement.code: a
        for a in Answer.objects.filter(dossier=dossier).select_related("requirement")
    }


def _requirement(dossier, code) -> Requirement:
    return Requirement.objects.get(version=dossier.referential_version_id, code=code)


# --- who may open a renewal, and when -------------------------------------------------------------


def test_renewal_opens_a_draft_linked_to_the_published_dossier(published):
    dossier, cast = published
    assert renewal_problem(dossier=dossier, user=cast.editor) is None
    renewal = renewal_open(dossier=dossier, actor=cast.editor)
    assert renewal.state == S.DRAFT
    assert renewal.renews == dossier
    assert renewal.referential_version == dossier.referential_version  # T1 is still current
    assert Dossier.objects.get(pk=dossier.pk).state == S.PUBLISHED  # the old one is untouched
    log = TransitionLog.objects.get(dossier=renewal)
    assert (log.transition, log.to_state, log.actor) == ("create", S.DRAFT, cast.editor)
    assert log.comment == f"Renouvellement du dossier {dossier.reference}."
    assert open_renewal(dossier) == renewal
    assert renewal_under_way(dossier) == renewal  # the catalogue's expiry reads the link


def test_a_suspended_dossier_may_be_renewed(private_storage):
    dossier, cast = dossier_in_state(S.SUSPENDED)
    assert renewal_open(dossier=dossier, actor=cast.editor).renews == dossier


def test_renewal_refused_while_the_service_has_another_open_dossier(published):
    dossier, cast = published
    first = renewal_open(dossier=dossier, actor=cast.editor)
    problem = renewal_problem(dossier=dossier, user=cast.editor)
    assert (
        problem == f"Le renouvellement de ce dossier est déjà ouvert : dossier {first.reference}."
    )
    with pytest.raises(ValidationError, match="déjà ouvert"):
        renewal_open(dossier=dossier, actor=cast.editor)
    assert Dossier.objects.filter(service=dossier.service).count() == 2
    # Once that renewal is withdrawn, another may be opened.
    dossier_withdraw(dossier=first, actor=cast.editor)
    assert renewal_open(dossier=dossier, actor=cast.editor).renews == dossier


def test_renewal_refused_while_another_draft_of_the_service_exists(published):
    dossier, cast = published
    draft = renewal_dossier(dossier, linked=False)  # a draft that renews nothing
    problem = renewal_problem(dossier=dossier, user=cast.editor)
    assert problem == (
        f"Ce service a déjà un autre dossier en cours ({draft.reference}) : le renouvellement ne "
        "peut être préparé qu'une fois celui-ci clos."
    )
    with pytest.raises(ValidationError):
        renewal_open(dossier=dossier, actor=cast.editor)
    assert not Dossier.objects.filter(renews=dossier).exists()


@pytest.mark.parametrize("state", [S.REFERENCED, S.SUBMITTED])
def test_renewal_refused_for_a_dossier_not_published(state, private_storage):
    dossier, cast = dossier_in_state(state)
    problem = renewal_problem(dossier=dossier, user=cast.editor)
    assert problem.startswith("Seul un dossier publié ou suspendu peut être renouvelé")
    with pytest.raises(ValidationError):
        renewal_open(dossier=dossier, actor=cast.editor)
    assert not Dossier.objects.filter(renews=dossier).exists()


def test_renewal_refused_to_whoever_is_not_an_editor_of_the_organisation(published):
    dossier, cast = published
    outsider = editor(OrganisationFactory())
    for person in (cast.instructor, cast.admin, outsider):
        assert "rôle d'éditeur" in renewal_problem(dossier=dossier, user=person)
        with pytest.raises(PermissionDenied):
            renewal_open(dossier=dossier, actor=person)
    assert not Dossier.objects.filter(renews=dossier).exists()


# --- the pre-fill ---------------------------------------------------------------------------------


def test_prefill_on_the_same_version_copies_every_answer_and_each_document_once(published):
    dossier, cast = published
    old_documents = list(Document.objects.filter(dossier=dossier, removed_at=None))
    assert len(old_documents) == 1  # the same PDF for ETH-ACC-01 and RGPD-FIN-01
    renewal = renewal_open(dossier=dossier, actor=cast.editor)

    old, new = _answers(dossier), _answers(renewal)
    assert set(new) == set(old) == {"DOC-HDS-02", "ETH-ACC-01", "RGPD-FIN-01"}
    for code, answer in new.items():
        assert (answer.status, answer.justification, answer.free_text) == (
            old[code].status,
            old[code].justification,
            old[code].free_text,
        )
        assert answer.carried_over == CarriedOver.UNCHANGED
        assert answer.requirement.version_id == renewal.referential_version_id
        assert answer.history.count() == 1  # the copy is in the answer's history

    (document,) = Document.objects.filter(dossier=renewal)
    assert document.file.name == old_documents[0].file.name  # the stored file, not a copy
    assert document.sha256 == old_documents[0].sha256
    links = Evidence.objects.filter(dossier=renewal, removed_at=None)
    assert {(e.document_id, e.requirement.code) for e in links} == {
        (document.pk, "ETH-ACC-01"),
        (document.pk, "RGPD-FIN-01"),
    }
    changes = renewal_changes(renewal)
    assert changes.same_version and not (changes.added or changes.changed or changes.removed)
    assert [p.requirement.code for p in changes.pending] == [
        "DOC-HDS-02",
        "ETH-ACC-01",
        "RGPD-FIN-01",
    ]


def test_prefill_across_a_referential_change(published, tmp_path):
    dossier, cast = published
    t2 = renewed_referential(tmp_path)
    renewal = renewal_open(dossier=dossier, actor=cast.editor)
    assert renewal.referential_version == t2  # pinned to the current version

    answers = _answers(renewal)
    # Unchanged: copied, « à confirmer ». Changed: copied, « modifiée ». Removed: not copied.
    # Added: nothing to copy.
    assert {code: a.carried_over for code, a in answers.items()} == {
        "DOC-HDS-02": CarriedOver.UNCHANGED,
        "ETH-ACC-01": CarriedOver.CHANGED,
    }
    assert answers["ETH-ACC-01"].status == "compliant"
    links = Evidence.objects.filter(dossier=renewal).select_related("requirement", "document")
    assert [(e.requirement.code, e.requirement.version_id) for e in links] == [
        ("ETH-ACC-01", t2.pk)
    ]
    assert Document.objects.filter(dossier=renewal).count() == 1

    changes = renewal_changes(renewal)
    assert [r.code for r in changes.added] == ["RGPD-FIN-02"]
    assert [(c.code, c.fields) for c in changes.changed] == [("ETH-ACC-01", ["statement"])]
    assert [r.code for r in changes.removed] == ["RGPD-FIN-01"]
    assert changes.dropped == {"RGPD-FIN-01"}
    assert [(p.requirement.code, p.changed) for p in changes.pending] == [
        ("DOC-HDS-02", False),
        ("ETH-ACC-01", True),
    ]


def test_a_failure_while_copying_leaves_nothing(published, monkeypatch):
    dossier, cast = published
    before = (
        Dossier.objects.count(),
        Answer.objects.count(),
        Document.objects.count(),
        Evidence.objects.count(),
        TransitionLog.objects.count(),
    )

    def broken(*args, **kwargs):
        raise RuntimeError("disque plein")

    # The last write of the copy fails: the new dossier, its answers and documents go with it.
    monkeypatch.setattr(Evidence.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        renewal_open(dossier=dossier, actor=cast.editor)
    assert (
        Dossier.objects.count(),
        Answer.objects.count(),
        Document.objects.count(),
        Evidence.objects.count(),
        TransitionLog.objects.count(),
    ) == before


# --- confirmation and filing ----------------------------------------------------------------------


def test_confirming_or_editing_clears_the_mark(published):
    dossier, cast = published
    renewal = renewal_open(dossier=dossier, actor=cast.editor)
    answer = answer_confirm(
        dossier=renewal, requirement=_requirement(renewal, "DOC-HDS-02"), actor=cast.editor
    )
    assert answer.carried_over == "" and answer.version == 1
    edited = answer_save(
        dossier=renewal,
        requirement=_requirement(renewal, "ETH-ACC-01"),
        actor=cast.editor,
        status="non_compliant",
        justification="Déclaration en cours de mise à jour.",
        free_text="",
        expected_version=1,
    )
    assert edited.carried_over == ""
    assert _answers(renewal)["RGPD-FIN-01"].carried_over == CarriedOver.UNCHANGED
    with pytest.raises(PermissionDenied):
        answer_confirm(
            dossier=renewal, requirement=_requirement(renewal, "RGPD-FIN-01"), actor=cast.instructor
        )


def test_filing_is_refused_while_copied_answers_remain_unconfirmed(published):
    dossier, cast = published
    renewal = renewal_open(dossier=dossier, actor=cast.editor)
    answer_confirm(
        dossier=renewal, requirement=_requirement(renewal, "DOC-HDS-02"), actor=cast.editor
    )
    with pytest.raises(Exception, match="2 réponses reprises du dossier précédent restent"):
        dossier_submit(dossier=renewal, actor=cast.editor)
    answer_confirm(
        dossier=renewal, requirement=_requirement(renewal, "ETH-ACC-01"), actor=cast.editor
    )
    with pytest.raises(Exception, match="1 réponse reprise du dossier précédent reste"):
        dossier_submit(dossier=Dossier.objects.get(pk=renewal.pk), actor=cast.editor)
    assert Dossier.objects.get(pk=renewal.pk).state == S.DRAFT
    answer_confirm(
        dossier=renewal, requirement=_requirement(renewal, "RGPD-FIN-01"), actor=cast.editor
    )
    filed = dossier_submit(dossier=Dossier.objects.get(pk=renewal.pk), actor=cast.editor)
    assert filed.state == S.SUBMITTED


# --- the pages ------------------------------------------------------------------------------------


def test_the_dossier_page_offers_the_renewal_and_the_confirmation_page_opens_it(
    published, client, tmp_path
):
    dossier, cast = published
    renewed_referential(tmp_path)
    client.force_login(cast.editor)
    page = client.get(reverse("applications:dossier-detail", args=[dossier.pk])).content.decode()
    url = reverse("applications:dossier-renewal", args=[dossier.pk])
    assert f'href="{url}"' in page and "Préparer le renouvellement" in page

    confirm = client.get(url)
    assert confirm.status_code == 200
    text = _text(confirm.content.decode())
    assert "Référentiel de test, deuxième version" in text
    assert "2 réponses reprises" in text and "1 document repris" in text
    assert "1 exigence a changé depuis votre dossier" in text
    assert "Non reprise, car supprimée du référentiel : RGPD-FIN-01." in text
    assert not Dossier.objects.filter(renews=dossier).exists()  # a GET opens nothing

    response = client.post(url)
    renewal = Dossier.objects.get(renews=dossier)
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:dossier-detail", args=[renewal.pk])

    page = _text(client.get(response["Location"]).content.decode())
    assert f"Renouvellement du dossier {dossier.reference}." in page
    assert "Nouvelle exigence (1)" in page and "RGPD-FIN-02" in page
    assert "Exigence modifiée (1)" in page and "modification : exigence" in page
    assert "Exigence supprimée (1)" in page and "votre réponse n'est pas reprise" in page
    assert "2 réponses reprises restent à confirmer avant le dépôt." in page
    old_page = _text(
        client.get(reverse("applications:dossier-detail", args=[dossier.pk])).content.decode()
    )
    assert f"Ce dossier est renouvelé par le dossier {renewal.reference}" in old_page
    assert "Préparer le renouvellement" not in old_page

    questionnaire = client.get(
        reverse("applications:questionnaire-domain", args=[renewal.pk, "ethics"])
    ).content.decode()
    top = _text(questionnaire.split('id="renouvellement"', 1)[1].split("fr-sidemenu", 1)[0])
    assert top.index("Nouvelle exigence") < top.index("Réponses reprises à confirmer")
    assert "Exigence modifiée — vérifiez votre réponse" in top
    assert "Reprise de la version précédente — à confirmer" in top


def test_the_service_page_offers_the_renewal(published, client):
    dossier, cast = published
    client.force_login(cast.editor)
    page = client.get(reverse("applications:service-detail", args=[dossier.service_id]))
    assert reverse("applications:dossier-renewal", args=[dossier.pk]) in page.content.decode()


def test_the_confirmation_page_says_why_not_with_a_403(published, client):
    dossier, cast = published
    renewal = renewal_open(dossier=dossier, actor=cast.editor)
    client.force_login(cast.editor)
    response = client.post(reverse("applications:dossier-renewal", args=[dossier.pk]))
    assert response.status_code == 403
    assert f"déjà ouvert : dossier {renewal.reference}" in _text(response.content.decode())
    assert Dossier.objects.filter(renews=dossier).count() == 1

    staff = staff_user("instructor")
    client.force_login(staff)
    response = client.get(reverse("applications:dossier-renewal", args=[dossier.pk]))
    assert response.status_code == 403
    assert "rôle d'éditeur" in _text(response.content.decode())


def test_another_organisation_gets_a_404(published, client):
    dossier, cast = published
    client.force_login(editor(OrganisationFactory()))
    url = reverse("applications:dossier-renewal", args=[dossier.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not Dossier.objects.filter(renews=dossier).exists()


def test_confirm_with_htmx_and_without_javascript(published, client):
    dossier, cast = published
    renewal = renewal_open(dossier=dossier, actor=cast.editor)
    client.force_login(cast.editor)
    url = reverse("applications:answer-confirm", args=[renewal.pk, "DOC-HDS-02"])
    response = client.post(url, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="reprise-DOC-HDS-02" hx-swap-oob="true"' in html
    assert "2 réponses reprises restent à confirmer" in _text(html)
    assert _answers(renewal)["DOC-HDS-02"].carried_over == ""

    response = client.post(reverse("applications:answer-confirm", args=[renewal.pk, "ETH-ACC-01"]))
    assert response.status_code == 302
    assert "exigence=ETH-ACC-01" in response["Location"]
    assert _answers(renewal)["ETH-ACC-01"].carried_over == ""

    # Another organisation's editor: 404; the instruction team: 404 on a draft it cannot see.
    client.force_login(editor(OrganisationFactory()))
    other = reverse("applications:answer-confirm", args=[renewal.pk, "RGPD-FIN-01"])
    assert client.post(other).status_code == 404
    assert _answers(renewal)["RGPD-FIN-01"].carried_over == CarriedOver.UNCHANGED
