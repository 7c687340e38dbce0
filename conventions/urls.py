from django.urls import path

from . import views

app_name = "conventions"

urlpatterns = [
    path("dossier/<int:dossier_pk>/", views.convention_detail, name="convention-detail"),
    path(
        "dossier/<int:dossier_pk>/etablir/",
        views.convention_draw_up_view,
        name="convention-draw-up",
    ),
    path("<int:pk>/pdf/", views.convention_download, name="convention-download"),
    path("<int:pk>/document/", views.convention_document, name="convention-document"),
    path("<int:pk>/signer/", views.convention_accept_view, name="convention-accept"),
    path(
        "<int:pk>/contresigner/",
        views.convention_countersign_view,
        name="convention-countersign",
    ),
]
