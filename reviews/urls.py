from django.urls import path

from .views import admissibility, assignments, complements, evaluation, queues, reports

app_name = "reviews"

urlpatterns = [
    path("", queues.instructor_queue_view, name="instructor-queue"),
    path("mes-evaluations/", queues.expert_queue_view, name="expert-queue"),
    path(
        "dossiers/<int:pk>/incomplet/",
        admissibility.incompleteness_declare,
        name="incompleteness-declare",
    ),
    path(
        "dossiers/<int:pk>/experts/",
        assignments.dossier_assignments,
        name="dossier-assignments",
    ),
    path(
        "dossiers/<int:pk>/experts/<slug:domain>/",
        assignments.assignment_create_view,
        name="assignment-create",
    ),
    path(
        "affectations/<int:pk>/declaration/",
        assignments.assignment_declare_view,
        name="assignment-declare",
    ),
    path(
        "dossiers/<int:pk>/evaluation/<slug:domain>/",
        evaluation.evaluation,
        name="evaluation",
    ),
    path(
        "dossiers/<int:pk>/evaluation/<slug:domain>/exigences/<str:code>/",
        evaluation.verdict_save_view,
        name="verdict-save",
    ),
    path(
        "dossiers/<int:pk>/evaluation/<slug:domain>/signature/",
        evaluation.evaluation_sign_view,
        name="evaluation-sign",
    ),
    path(
        "dossiers/<int:pk>/pieces/<int:evidence_pk>/apercu/",
        evaluation.evidence_preview,
        name="evidence-preview",
    ),
    path(
        "dossiers/<int:pk>/complements/",
        complements.complements_request_view,
        name="complements-request",
    ),
    path("dossiers/<int:pk>/rapport/", reports.report_download, name="report-download"),
    path("dossiers/<int:pk>/rapport/etat/", reports.report_status, name="report-status"),
]
