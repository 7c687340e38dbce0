from django.urls import path

from .views import (
    admissibility,
    assignments,
    commission,
    commission_items,
    complements,
    evaluation,
    queues,
    reports,
)

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
        "affectations/<int:pk>/expert/",
        assignments.assignment_replace_view,
        name="assignment-replace",
    ),
    path(
        "affectations/<int:pk>/echeance/",
        assignments.assignment_due_date_view,
        name="assignment-due-date",
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
    # The commission: sessions, agenda items and votes, minutes, reservations.
    path("commission/", commission.session_list, name="commission-sessions"),
    path(
        "commission/seances/nouvelle/", commission.session_create, name="commission-session-create"
    ),
    path("commission/seances/<int:pk>/", commission.session_detail, name="commission-session"),
    path(
        "commission/seances/<int:pk>/presences/",
        commission.session_attendance,
        name="session-attendance",
    ),
    path(
        "commission/seances/<int:pk>/proces-verbal/",
        commission.session_minutes,
        name="session-minutes",
    ),
    path("commission/points/<int:pk>/", commission_items.agenda_item, name="agenda-item"),
    path(
        "commission/points/<int:pk>/etat/",
        commission_items.agenda_item_status,
        name="agenda-item-status",
    ),
    path(
        "commission/points/<int:pk>/conflit/",
        commission_items.item_conflict_declare_view,
        name="item-conflict-declare",
    ),
    path(
        "commission/points/<int:pk>/ouverture/",
        commission_items.vote_open_view,
        name="vote-open",
    ),
    path("commission/points/<int:pk>/vote/", commission_items.vote_cast_view, name="vote-cast"),
    path(
        "commission/points/<int:pk>/cloture/",
        commission_items.vote_close_view,
        name="vote-close",
    ),
    path(
        "dossiers/<int:pk>/reserves/",
        commission_items.reservations_respond_view,
        name="reservations-respond",
    ),
]
