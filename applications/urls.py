from django.urls import path

from .views import documents, dossiers, questionnaire, renewal, services

app_name = "applications"

urlpatterns = [
    path("<int:pk>/", dossiers.dossier_detail, name="dossier-detail"),
    path(
        "<int:pk>/actions/<slug:name>/",
        dossiers.dossier_transition,
        name="dossier-transition",
    ),
    path("<int:pk>/renouvellement/", renewal.dossier_renewal, name="dossier-renewal"),
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
        "<int:pk>/exigences/<str:code>/confirmer/",
        renewal.answer_carried_over_confirm,
        name="answer-confirm",
    ),
    path(
        "<int:pk>/exigences/<str:code>/pieces/",
        documents.evidence_upload,
        name="evidence-upload",
    ),
    path(
        "<int:pk>/exigences/<str:code>/pieces/joindre/",
        documents.evidence_attach,
        name="evidence-attach",
    ),
    path(
        "<int:pk>/pieces/<int:evidence_pk>/",
        documents.evidence_download,
        name="evidence-download",
    ),
    path(
        "<int:pk>/pieces/<int:evidence_pk>/retirer/",
        documents.evidence_delete,
        name="evidence-delete",
    ),
    # The dossier's document library.
    path("<int:pk>/documents/", documents.document_library, name="document-library"),
    path(
        "<int:pk>/documents/deposer/",
        documents.document_upload,
        name="document-upload",
    ),
    path(
        "<int:pk>/documents/deposes/",
        documents.document_library_filed,
        name="document-library-filed",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/",
        documents.document_download,
        name="document-download",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/exigences/",
        documents.document_requirements,
        name="document-requirements",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/retirer/",
        documents.document_remove,
        name="document-remove",
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
