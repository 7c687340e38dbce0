"""Declared changes, under /modifications/ (changes/views/)."""

from django.urls import path

from .views import declarations, instruction, reevaluation, updates

app_name = "changes"

urlpatterns = [
    path(
        "dossiers/<int:dossier_pk>/declarer/",
        declarations.declaration_create,
        name="declaration-create",
    ),
    path("dossiers/<int:dossier_pk>/demander/", instruction.request_create, name="request-create"),
    path("<int:pk>/", declarations.declaration_detail, name="declaration-detail"),
    path("<int:pk>/envoyer/", declarations.declaration_send, name="declaration-send"),
    path("<int:pk>/supprimer/", declarations.declaration_discard, name="declaration-discard"),
    path("<int:pk>/qualifier/", instruction.declaration_qualify, name="declaration-qualify"),
    path("<int:pk>/mise-a-jour/", updates.update_send, name="update-send"),
    path("<int:pk>/cloturer/", reevaluation.reevaluation_close, name="reevaluation-close"),
    path("<int:pk>/reevaluation/<str:domain>/", reevaluation.reevaluation, name="reevaluation"),
    path(
        "<int:pk>/reevaluation/<str:domain>/avis/<str:code>/",
        reevaluation.reevaluation_verdict,
        name="reevaluation-verdict",
    ),
    path(
        "<int:pk>/reevaluation/<str:domain>/signer/",
        reevaluation.reevaluation_sign,
        name="reevaluation-sign",
    ),
    path(
        "<int:pk>/reevaluation/<str:domain>/declaration/",
        reevaluation.reevaluation_declare,
        name="reevaluation-declare",
    ),
    path(
        "<int:pk>/reevaluation/<str:domain>/remplacer/",
        reevaluation.reevaluation_replace,
        name="reevaluation-replace",
    ),
    path(
        "<int:pk>/reevaluation/<str:domain>/pieces/<int:evidence_pk>/",
        reevaluation.reevaluation_evidence_download,
        name="reevaluation-evidence",
    ),
    path(
        "<int:pk>/reevaluation/<str:domain>/pieces/<int:evidence_pk>/apercu/",
        reevaluation.reevaluation_evidence_preview,
        name="reevaluation-evidence-preview",
    ),
    path(
        "<int:pk>/pieces/<int:attachment_pk>/",
        declarations.attachment_download,
        name="declaration-attachment",
    ),
]
