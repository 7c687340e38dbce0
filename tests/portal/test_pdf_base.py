"""Every PDF extends templates/pdf/base.html: the State's header, Marianne embedded, and the page
numbers at the foot of each page. Real renders of the decision, the evaluation report and the
commission's minutes, read back with poppler."""

import pytest
from django.urls import reverse
from django.utils import translation

from decisions.domain.documents import decision_pdf
from reviews.domain.report import report_pdf
from reviews.models import EvaluationReport
from tests.decisions.helpers import decided, pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(client):
    """{name: PDF bytes} of one dossier decided after its evaluation and its commission."""
    decision, dossier, cast = decided()
    client.force_login(cast.instructor)
    minutes = client.get(reverse("reviews:session-minutes", args=[cast.session.pk]))
    assert minutes.status_code == 200
    with translation.override("fr"):
        return {
            "decision": decision_pdf(decision),
            "report": report_pdf(EvaluationReport.objects.get(dossier=dossier)),
            "minutes": minutes.content,
        }


def test_every_pdf_has_the_state_header_marianne_and_page_numbers(documents):
    for name, content in documents.items():
        fonts = pdf_fonts(content)
        assert any("Marianne" in font for font, _embedded in fonts), (name, fonts)
        assert all(embedded == "yes" for _font, embedded in fonts), (name, fonts)
        text = pdf_text(content)
        assert "Page 1 sur " in text, name
        assert "république française" in text.lower(), name  # set in capitals
        assert "Ministère chargé de la santé" in text, name
