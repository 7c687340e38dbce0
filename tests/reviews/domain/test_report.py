"""The evaluation report: its PDF says what the commission needs (checked on the extracted text),
its state shows on the dossier page, and only the instruction's readers download it."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from applications.enums import DossierState
from reviews.domain.evaluation import evaluation_sign, verdict_save
from reviews.domain.report import dossier_complete_evaluation, report_render
from reviews.domain.scoring import evaluation_scores
from reviews.models import EvaluationReport, ReportStatus
from tests.factories import staff_user
from tests.factories.dossiers import dossier_in_state
from tests.reviews.helpers import requirement, text

S = DossierState
pytestmark = pytest.mark.django_db

GAPS = {
    "DES-SEC-01": ("non_compliant", "La politique de sécurité n'est pas signée."),
    "DER-CON-01": ("partial", "Le consentement n'est pas recueilli séparément."),
    "ETH-ACC-01": ("partial", "La déclaration n'est pas datée."),
}


@pytest.fixture
def evaluated():
    """A data-exchange dossier (five domains) evaluated with two blocking gaps."""
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION, requests_data_exchange=True)
    for code in ("DOC-HDS-02", "ETH-ACC-01", "RGPD-FIN-01", "DES-SEC-01", "DER-CON-01"):
        item = requirement(dossier, code)
        verdict, comment = GAPS.get(code, ("compliant", ""))
        verdict_save(
            dossier=dossier,
            requirement=item,
            actor=cast.experts[item.domain],
            verdict=verdict,
            comment=comment,
        )
    for domain, person in cast.experts.items():
        evaluation_sign(
            dossier=dossier,
            domain=domain,
            actor=person,
            conclusion="reserved",
            synthesis=f"Synthèse du domaine {domain}.",
        )
    dossier = dossier_complete_evaluation(dossier=dossier, actor=cast.instructor)
    return dossier, cast


def _pdf_text(report) -> str:
    with report.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_report_pdf_names_the_service_each_domain_score_and_each_blocking_gap(evaluated):
    dossier, _cast = evaluated
    report = EvaluationReport.objects.get(dossier=dossier)
    assert report.status == ReportStatus.PENDING

    report_render(report_id=report.pk)

    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.sha256
    content = _pdf_text(report)
    assert dossier.service.name in content
    assert dossier.reference in content
    for score in evaluation_scores(dossier).domains:
        assert score.title in content
        assert f"{score.score} %".replace(".", ",") in content, score.title
    assert "0,0 %" in content and "50,0 %" in content and "100,0 %" in content
    for code in ("DES-SEC-01", "DER-CON-01"):
        assert code in content
        assert GAPS[code][1] in content
    assert "Défavorable" in content  # the proposed opinion: a blocking requirement not met


def _detail(client, dossier):
    return client.get(reverse("applications:dossier-detail", args=[dossier.pk]))


def test_dossier_page_shows_the_report_pending_then_ready(client, evaluated):
    dossier, cast = evaluated
    download = reverse("reviews:report-download", args=[dossier.pk])
    client.force_login(cast.instructor)

    pending = _detail(client, dossier)
    assert "Rapport d'évaluation en cours de génération" in text(pending)
    assert f'href="{download}"' not in pending.content.decode()
    assert client.get(download).status_code == 404
    poll = client.get(reverse("reviews:report-status", args=[dossier.pk]))
    assert 'hx-trigger="every 5s"' in poll.content.decode()

    report_render(report_id=dossier.evaluation_report.pk)

    ready = _detail(client, dossier)
    assert "en cours de génération" not in text(ready)
    assert f'href="{download}"' in ready.content.decode()
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    poll = client.get(reverse("reviews:report-status", args=[dossier.pk]))
    assert "hx-trigger" not in poll.content.decode()


def test_report_is_not_for_the_editor_nor_the_experts(client, evaluated):
    dossier, cast = evaluated
    report_render(report_id=dossier.evaluation_report.pk)
    download = reverse("reviews:report-download", args=[dossier.pk])
    for person in (cast.editor, cast.experts["ethics"]):
        client.force_login(person)
        assert client.get(download).status_code == 404
        assert "Rapport d'évaluation" not in text(_detail(client, dossier))
    client.force_login(staff_user("admin"))
    assert client.get(download).status_code == 200
    client.force_login(staff_user("ministry"))  # sees dossiers from the commission's opinion on
    assert client.get(download).status_code == 404
