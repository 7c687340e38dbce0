"""The test stages' pages, under /bac-a-sable/dossiers/<pk>/tests/ (included by sandbox/urls.py
in the `sandbox:` namespace)."""

from django.urls import path

from .views import stages

urlpatterns = [
    path("dossiers/<int:pk>/tests/", stages.stages, name="stages"),
    path("dossiers/<int:pk>/tests/cahier/", stages.test_book_page, name="test-book"),
    path(
        "dossiers/<int:pk>/tests/<slug:stage>/pieces/",
        stages.stage_evidence_upload,
        name="stage-evidence-upload",
    ),
    path(
        "dossiers/<int:pk>/tests/<slug:stage>/demande/",
        stages.stage_request,
        name="stage-request",
    ),
    path(
        "dossiers/<int:pk>/tests/<slug:stage>/decision/",
        stages.stage_decide,
        name="stage-decide",
    ),
    path("dossiers/<int:pk>/tests/rapports/", stages.report_create, name="report-create"),
    path(
        "dossiers/<int:pk>/tests/rapports/<int:report>/",
        stages.report_download,
        name="report-download",
    ),
    path(
        "dossiers/<int:pk>/tests/pieces/<int:evidence>/",
        stages.evidence_download,
        name="stage-evidence-download",
    ),
]
