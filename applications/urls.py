from django.urls import path

from .views import dossiers, questionnaire, services

app_name = "applications"

urlpatterns = [
    path("<int:pk>/", dossiers.dossier_detail, name="dossier-detail"),
    path(
        "<int:pk>/actions/<slug:name>/",
        dossiers.dossier_transition,
        name="dossier-transition",
    ),
    path("<int:pk>/questionnaire/", questionnaire.questionnaire, name="questionnaire"),
    path(
        "<int:pk>/questionnaire/<slug:domain>/",
        questionnaire.questionnaire,
        name="questionnaire-domain",
    ),
    path(
        "<int:pk>/exigences/<str:code>/",
        questionnaire.requirement_detail,
        name="requirement-detail",
    ),
    path(
        "<int:pk>/exigences/<str:code>/reponse/",
        questionnaire.answer_update,
        name="answer-update",
    ),
    path(
        "<int:pk>/exigences/<str:code>/pieces/",
        questionnaire.evidence_upload,
        name="evidence-upload",
    ),
    path(
        "<int:pk>/pieces/<int:evidence_pk>/",
        questionnaire.evidence_download,
        name="evidence-download",
    ),
    path(
        "<int:pk>/pieces/<int:evidence_pk>/retirer/",
        questionnaire.evidence_delete,
        name="evidence-delete",
    ),
    path("<int:pk>/completude/", questionnaire.completeness, name="dossier-completeness"),
    # Services (an editor's description, orientation, and dossier creation).
    path("services/nouveau/", services.service_create, name="service-create"),
    path("services/<int:pk>/", services.service_detail, name="service-detail"),
    path("services/<int:pk>/modifier/", services.service_update, name="service-update"),
    path(
        "services/<int:pk>/orientation/",
        services.service_orientation,
        name="service-orientation",
    ),
    path(
        "services/<int:pk>/dossier/",
        services.service_dossier_create,
        name="service-dossier-create",
    ),
]
