"""The evaluation screen: who sees which domain, the editor's filed answers and evidence side by
side with the verdicts, verdicts saved as the expert goes, the signature and what it freezes."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from applications.enums import DossierState
from applications.models import Answer, Document, Evidence
from reviews.models import DomainEvaluation, Verdict
from tests.assertions import assert_nothing_changed
from tests.factories import OrganisationFactory, editor, expert
from tests.factories.dossiers import dossier_in_state
from tests.reviews.helpers import evaluation_url, html, requirement, text, verdict_url

S = DossierState
pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluating():
    """A dossier under evaluation (doctrine, ethics, rgpd), every expert cleared."""
    return dossier_in_state(S.UNDER_EVALUATION)


def _sign_url(dossier, domain):
    return reverse("reviews:evaluation-sign", args=[dossier.pk, domain])


def _preview_url(dossier, evidence):
    return reverse("reviews:evidence-preview", args=[dossier.pk, evidence.pk])


def _evidence(dossier, code):
    return Evidence.objects.get(dossier=dossier, requirement__code=code)


def test_cleared_expert_evaluates_their_domain_with_answers_and_evidence(client, evaluating):
    dossier, cast = evaluating
    # The draft changes after filing: the screen shows what was filed (the latest revision).
    Answer.objects.filter(dossier=dossier, requirement__code="ETH-ACC-01").update(
        justification="Brouillon jamais déposé."
    )
    evidence = _evidence(dossier, "ETH-ACC-01")
    client.force_login(cast.experts["ethics"])

    response = client.get(evaluation_url(dossier, "ethics"))

    assert response.status_code == 200
    page = html(response)
    assert "ETH-ACC-01 — Déclaration d'accessibilité" in page
    assert "Réponse de l'éditeur (révision 1)" in page
    assert "Brouillon jamais déposé." not in page
    assert (
        f'<iframe class="fr-responsive-vid fr-ratio-3x4" src="{_preview_url(dossier, evidence)}"'
        in page
    )
    assert verdict_url(dossier, "ethics", "ETH-ACC-01") in page
    assert "RGPD-FIN-01" not in page  # another domain
    assert "Conformité du domaine : aucune exigence évaluée" in text(response)


@pytest.mark.parametrize("who", ["other_domain_expert", "outsider_expert", "editor", "outsider"])
def test_others_get_404_on_the_evaluation_screen(client, evaluating, who):
    dossier, cast = evaluating
    person = {
        "other_domain_expert": cast.experts["rgpd"],
        "outsider_expert": expert("ethics"),
        "editor": cast.editor,
        "outsider": editor(OrganisationFactory()),
    }[who]
    client.force_login(person)
    data = {"verdict": "compliant", "comment": ""}
    sign = {"conclusion": "favorable", "synthesis": "Domaine maîtrisé."}
    with assert_nothing_changed(dossier, tables=(Verdict, DomainEvaluation)):
        assert client.get(evaluation_url(dossier, "ethics")).status_code == 404
        assert client.get(_sign_url(dossier, "ethics")).status_code == 404
        assert client.post(verdict_url(dossier, "ethics", "ETH-ACC-01"), data).status_code == 404
        assert client.post(_sign_url(dossier, "ethics"), sign).status_code == 404


def test_domain_that_does_not_apply_is_404(client, evaluating):
    dossier, cast = evaluating
    client.force_login(cast.instructor)
    assert client.get(evaluation_url(dossier, "data_exchange_security")).status_code == 404
    assert client.get(evaluation_url(dossier, "nonsense")).status_code == 404


def test_instructor_reads_without_forms_and_cannot_give_verdicts(client, evaluating):
    dossier, cast = evaluating
    client.force_login(cast.instructor)
    response = client.get(evaluation_url(dossier, "ethics"))
    assert response.status_code == 200
    assert "Lecture seule" in text(response)
    assert 'name="verdict"' not in html(response)
    data = {"verdict": "compliant", "comment": ""}
    with assert_nothing_changed(dossier, tables=(Verdict, DomainEvaluation)):
        assert client.post(verdict_url(dossier, "ethics", "ETH-ACC-01"), data).status_code == 403
        assert client.get(_sign_url(dossier, "ethics")).status_code == 403


def test_preview_serves_pdf_inline_in_a_sandbox(client, evaluating):
    dossier, cast = evaluating
    evidence = _evidence(dossier, "ETH-ACC-01")
    client.force_login(cast.experts["ethics"])

    response = client.get(_preview_url(dossier, evidence))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_preview_and_download_of_another_domain_are_404_for_an_expert(client, evaluating):
    dossier, cast = evaluating
    other = _evidence(dossier, "RGPD-FIN-01")
    client.force_login(cast.experts["ethics"])
    assert client.get(_preview_url(dossier, other)).status_code == 404
    download = reverse("applications:evidence-download", args=[dossier.pk, other.pk])
    assert client.get(download).status_code == 404
    client.force_login(expert("rgpd"))  # an expert of the domain, not assigned
    assert client.get(_preview_url(dossier, other)).status_code == 404


def test_preview_is_only_for_pdf_and_images(client, evaluating):
    dossier, cast = evaluating
    document = Document(
        dossier=dossier,
        name="tableau.xlsx",
        kind="xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        size=4,
        sha256="0" * 64,
        uploaded_by=cast.editor,
    )
    document.file.save("tableau.xlsx", ContentFile(b"PK\x03\x04"), save=True)
    sheet = Evidence.objects.create(
        dossier=dossier,
        document=document,
        requirement=requirement(dossier, "ETH-ACC-01"),
        attached_by=cast.editor,
    )
    client.force_login(cast.experts["ethics"])
    assert client.get(_preview_url(dossier, sheet)).status_code == 404


def test_verdict_needs_a_comment_unless_compliant(client, evaluating):
    dossier, cast = evaluating
    client.force_login(cast.experts["ethics"])
    url = verdict_url(dossier, "ethics", "ETH-ACC-01")

    response = client.post(
        url, {"verdict": "non_compliant", "comment": " "}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 400
    assert response["HX-Reswap"] == "outerHTML"
    assert "Un commentaire est obligatoire quand l'exigence n'est pas conforme." in text(response)
    assert 'value="non_compliant" checked' in html(response)
    assert not Verdict.objects.exists()

    bad = client.post(url, {"verdict": "parfait", "comment": ""}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400
    assert "Sélectionnez un choix valide" in text(bad)
    assert not Verdict.objects.exists()

    plain = client.post(url, {"verdict": "partial", "comment": ""})  # without htmx: the page
    assert plain.status_code == 400
    assert "Erreur" in text(plain) and "Un commentaire est obligatoire" in text(plain)
    assert not Verdict.objects.exists()


def test_verdict_is_saved_as_the_expert_goes(client, evaluating):
    dossier, cast = evaluating
    client.force_login(cast.experts["ethics"])
    url = verdict_url(dossier, "ethics", "ETH-ACC-01")

    response = client.post(
        url, {"verdict": "partial", "comment": "Déclaration sans date."}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    page = text(response)
    assert "Avis enregistré à" in page
    assert "Conformité du domaine : 50,0 % — note D" in page
    verdict = Verdict.objects.get(dossier=dossier)
    assert (verdict.verdict, verdict.comment, verdict.revision_number) == (
        "partial",
        "Déclaration sans date.",
        1,
    )
    assert verdict.expert == cast.experts["ethics"]

    plain = client.post(url, {"verdict": "compliant", "comment": ""})
    assert plain.status_code == 302
    assert plain.url.endswith("#exigence-ETH-ACC-01")
    assert Verdict.objects.get(dossier=dossier).verdict == "compliant"


def test_signing_needs_every_verdict_then_freezes_the_domain(client, evaluating):
    dossier, cast = evaluating
    person = cast.experts["ethics"]
    client.force_login(person)
    sign = {"conclusion": "favorable", "synthesis": "Domaine maîtrisé."}

    with assert_nothing_changed(dossier, tables=(DomainEvaluation,)):
        early = client.post(_sign_url(dossier, "ethics"), sign)
    assert early.status_code == 400
    assert "Impossible de signer : 1 exigence du domaine est sans avis." in text(early)

    client.post(verdict_url(dossier, "ethics", "ETH-ACC-01"), {"verdict": "compliant"})
    missing = client.post(_sign_url(dossier, "ethics"), {"conclusion": "favorable"})
    assert missing.status_code == 400
    assert "La synthèse est obligatoire." in text(missing)

    assert client.get(_sign_url(dossier, "ethics")).status_code == 200
    response = client.post(_sign_url(dossier, "ethics"), sign)
    assert response.status_code == 302
    signed = DomainEvaluation.objects.get(dossier=dossier, domain="ethics")
    assert (signed.expert, signed.conclusion, signed.synthesis) == (
        person,
        "favorable",
        "Domaine maîtrisé.",
    )

    page = client.get(evaluation_url(dossier, "ethics"))
    assert "Évaluation signée le" in text(page)
    assert 'name="verdict"' not in html(page)
    compliant = Verdict.objects.filter(dossier=dossier, verdict="compliant")
    with assert_nothing_changed(dossier, tables=(compliant, Verdict, DomainEvaluation)):
        refused = client.post(
            verdict_url(dossier, "ethics", "ETH-ACC-01"),
            {"verdict": "non_compliant", "comment": "Changement d'avis."},
            HTTP_HX_REQUEST="true",
        )
        assert refused.status_code == 403
        assert client.post(_sign_url(dossier, "ethics"), sign).status_code == 403
        assert client.get(_sign_url(dossier, "ethics")).status_code == 302


def test_verdicts_wait_for_the_evaluation_to_start(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    cast.assign_experts(dossier)
    client.force_login(cast.experts["ethics"])
    page = client.get(evaluation_url(dossier, "ethics"))
    assert page.status_code == 200
    assert "L'évaluation n'a pas encore été lancée." in text(page)
    data = {"verdict": "compliant", "comment": ""}
    with assert_nothing_changed(dossier, tables=(Verdict,)):
        assert client.post(verdict_url(dossier, "ethics", "ETH-ACC-01"), data).status_code == 403
