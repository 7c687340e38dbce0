"""Declared changes, under /modifications/ (changes/views/)."""

from django.urls import path

from .views import declarations, instruction

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
    path(
        "<int:pk>/pieces/<int:attachment_pk>/",
        declarations.attachment_download,
        name="declaration-attachment",
    ),
]
