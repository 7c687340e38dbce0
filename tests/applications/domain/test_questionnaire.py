"""The editor's questionnaire: applicability, eligibility, autosave and its conflicts, uploads,
completeness and the submit guard, revision freezing."""

from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.domain import transitions as t
from applications.domain.applicability import version_applicability
from applications.domain.dossiers import dossier_create
from applications.domain.exceptions import TransitionBlocked
from applications.domain.orientation import eligibility
from applications.enums import DossierState
from applications.models import Answer, Dossier, Evidence, Requirement, Revision
from tests.assertions import assert_nothing_changed
from tests.factories import OrganisationFactory, editor
from tests.factories.dossiers import (
    TINY_PDF,
    ServiceFactory,
    dossier_in_state,
    small_referential,
)

S = DossierState
pytestmark = pytest.mark.django_db


def codes(requirements):
    return sorted(r.code for r in requirements)


def test_applicability_follows_the_orientation():
    version = small_referential()
    plain = ServiceFactory()
    assert codes(version_applicability(version, plain).requirements) == [
        "DOC-HDS-02",
        "ETH-ACC-01",
        "RGPD-FIN-01",
    ]
    rich = ServiceFactory(
        requests_data_exchange=True,
        mes_apis=["agenda"],
        orientation__uses_ai=True,
        orientation__stores_health_data=True,
    )
    assert codes(version_applicability(version, rich).requirements) == [
        "DER-CON-01",
        "DES-SEC-01",
        "DOC-HDS-01",
        "DOC-HDS-02",
        "ETH-ACC-01",
        "ETH-IA-01",
        "RGPD-FIN-01",
    ]


@pytest.mark.parametrize(
    ("answers", "eligible", "reason"),
    [
        ({"targets_users": True, "purposes": ["prevention"]}, True, None),
        (
            {"targets_users": False, "purposes": ["care"]},
            False,
            "le service ne s'adresse pas aux usagers",
        ),
        ({"targets_users": True, "purposes": []}, False, "ni la prévention, ni le diagnostic"),
    ],
)
def test_eligibility_explains_itself(answers, eligible, reason):
    service = ServiceFactory(orientation=False)
    assert not eligibility(service).answered
    from applications.models import Orientation

    Orientation.objects.create(service=service, **answers)
    service.refresh_from_db()
    verdict = eligibility(service)
    assert verdict.eligible is eligible
    if reason:
        assert reason in verdict.summary
        assert verdict.summary.startswith("Non éligible : ")


def test_ineligible_service_cannot_get_a_dossier():
    small_referential()
    organisation = OrganisationFactory()
    person = editor(organisation)
    service = ServiceFactory(organisation=organisation, orientation__targets_users=False)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="ne s'adresse pas aux usagers"):
        dossier_create(actor=person, service=service)
    assert not Dossier.objects.exists()


def _answer_url(dossier, code):
    return reverse("applications:answer-update", args=[dossier.pk, code])


def test_autosave_saves_without_reload_and_counts_versions(client):
    dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    client.force_login(cast.editor)
    data = {"status": "not_applicable", "justification": "", "free_text": "", "version": 0}
    response = client.post(_answer_url(dossier, "ETH-ACC-01"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enregistré à" in html
    assert "Expliquez pourquoi" in html  # justification still missing: said at once
    answer = Answer.objects.get(dossier=dossier, requirement__code="ETH-ACC-01")
    assert (answer.status, answer.version, answer.updated_by) == ("not_applicable", 1, cast.editor)
    data.update(justification="Pas d'interface graphique.", version=1)
    client.post(_answer_url(dossier, "ETH-ACC-01"), data, HTTP_HX_REQUEST="true")
    answer.refresh_from_db()
    assert (answer.justification, answer.version) == ("Pas d'interface graphique.", 2)


def test_two_colleagues_editing_the_same_answer_are_told(client):
    organisation = OrganisationFactory()
    dossier, cast = dossier_in_state(S.DRAFT, organisation=organisation, filled=False)
    colleague = editor(organisation, first_name="Paul", last_name="Collègue")
    url = _answer_url(dossier, "RGPD-FIN-01")
    client.force_login(cast.editor)
    first = {
        "status": "non_compliant",
        "justification": "Registre en cours.",
        "free_text": "",
        "version": 0,
    }
    assert client.post(url, first, HTTP_HX_REQUEST="true").status_code == 200
    client.force_login(colleague)
    second = {
        "status": "compliant",
        "justification": "",
        "free_text": "Mon texte à moi",
        "version": 0,
    }  # loaded before the first save
    response = client.post(url, second, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    html = response.content.decode()
    assert "a modifié cette réponse" in html and "Votre saisie non enregistrée" in html
    answer = Answer.objects.get(dossier=dossier, requirement__code="RGPD-FIN-01")
    assert (answer.status, answer.justification, answer.version) == (
        "non_compliant",
        "Registre en cours.",
        1,
    )
    # The refreshed block carries the current version: saving again is a deliberate overwrite.
    assert 'name="version" value="1"' in html


def test_answers_cannot_change_once_filed(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    client.force_login(cast.editor)
    data = {"status": "non_compliant", "justification": "x", "free_text": "", "version": 1}
    filed = Answer.objects.filter(
        dossier=dossier, requirement__code="ETH-ACC-01", status="compliant", version=1
    )
    with assert_nothing_changed(dossier, tables=(filed, Answer, Revision)):
        response = client.post(_answer_url(dossier, "ETH-ACC-01"), data)
    assert response.status_code == 403
    assert filed.exists()


def _upload(client, dossier, code, name, content):
    return client.post(
        reverse("applications:evidence-upload", args=[dossier.pk, code]),
        {"file": SimpleUploadedFile(name, content)},
    )


def _stored_files():
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("vide.pdf", b"", "vide"),
        ("programme.pdf", b"MZ\x90\x00" + b"\x00" * 200, "n'est pas un document PDF valide"),
        ("image.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "en réalité une image PNG"),
        ("script.sh", b"#!/bin/sh\nrm -rf /\n", "n'est pas d'un type accepté"),
    ],
)
def test_rejected_upload_says_why_and_stores_nothing(client, name, content, message):
    dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    client.force_login(cast.editor)
    before_files = _stored_files()
    with assert_nothing_changed(dossier, tables=(Evidence,)):
        response = _upload(client, dossier, "ETH-ACC-01", name, content)
    assert response.status_code == 400
    assert message in unescape(response.content.decode())
    assert _stored_files() == before_files


def test_upload_is_stored_privately_and_served_only_to_the_dossier(client):
    dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    client.force_login(cast.editor)
    response = _upload(client, dossier, "ETH-ACC-01", "../../Déclaration RGAA.PDF", TINY_PDF)
    assert response.status_code == 302
    evidence = Evidence.objects.get(dossier=dossier)
    assert evidence.name == "Déclaration RGAA.pdf"
    assert evidence.file.name.startswith(f"dossiers/{dossier.pk}/")
    url = reverse("applications:evidence-download", args=[dossier.pk, evidence.pk])
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == TINY_PDF
    client.force_login(editor(OrganisationFactory()))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_private_files_have_no_public_url():
    assert settings.STORAGES["default"]["OPTIONS"]["base_url"] is None
    assert not str(settings.PRIVATE_MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))


def test_completeness_page_links_each_gap_and_submit_is_refused(client):
    dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    client.force_login(cast.editor)
    html = client.get(
        reverse("applications:dossier-completeness", args=[dossier.pk])
    ).content.decode()
    assert "Impossible de déposer : 2 exigences sans réponse." in html
    assert (
        f"/dossiers/{dossier.pk}/questionnaire/ethics/?exigence=ETH-ACC-01#exigence-ETH-ACC-01"
        in html
    )
    url = reverse("applications:dossier-transition", args=[dossier.pk, "submit"])
    with assert_nothing_changed(dossier, tables=(Revision,)):
        with pytest.raises(TransitionBlocked, match="2 exigences sans réponse"):
            t.dossier_submit(dossier=dossier, actor=cast.editor)
        page = client.get(url).content.decode()
        assert client.post(url, {"transition-comment": ""}).status_code == 400
    assert "Impossible de déposer : 2 exigences sans réponse." in page


def test_missing_justification_and_evidence_are_counted():
    dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    from applications.domain.questionnaire import answer_save

    for code, status in [("ETH-ACC-01", "compliant"), ("RGPD-FIN-01", "non_compliant")]:
        answer_save(
            dossier=dossier,
            requirement=Requirement.objects.get(code=code),
            actor=cast.editor,
            status=status,
            justification="",
            free_text="",
            expected_version=0,
        )
    with pytest.raises(TransitionBlocked) as excinfo:
        t.dossier_submit(dossier=dossier, actor=cast.editor)
    assert str(excinfo.value) == (
        "Impossible de déposer : 1 justification manquante, 1 pièce justificative manquante."
    )


def test_submit_freezes_revision_one_and_complements_make_a_new_one():
    dossier, cast = dossier_in_state(S.DRAFT)
    dossier = t.dossier_submit(dossier=dossier, actor=cast.editor)
    first = Revision.objects.get(dossier=dossier)
    assert first.number == 1
    frozen = {a.requirement.code: (a.status, a.evidence_ids) for a in first.answers.all()}
    assert set(frozen) == {"DOC-HDS-02", "ETH-ACC-01", "RGPD-FIN-01"}
    assert len(frozen["ETH-ACC-01"][1]) == 1
    dossier = t.dossier_declare_incomplete(dossier=dossier, actor=cast.instructor, comment="x")
    from applications.domain.questionnaire import answer_save

    answer = Answer.objects.get(dossier=dossier, requirement__code="RGPD-FIN-01")
    answer_save(
        dossier=dossier,
        requirement=answer.requirement,
        actor=cast.editor,
        status="non_compliant",
        justification="Registre en refonte.",
        free_text="",
        expected_version=answer.version,
    )
    t.dossier_resubmit(dossier=dossier, actor=cast.editor)
    revisions = list(Revision.objects.filter(dossier=dossier).order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].answers.get(requirement__code="RGPD-FIN-01").status == "compliant"
    assert revisions[1].answers.get(requirement__code="RGPD-FIN-01").justification == (
        "Registre en refonte."
    )
    assert revisions[0].orientation["targets_users"] is True
