from django.urls import path

from .views import dossiers

app_name = "applications"

urlpatterns = [
    path("<int:pk>/", dossiers.dossier_detail, name="dossier-detail"),
    path(
        "<int:pk>/actions/<slug:name>/",
        dossiers.dossier_transition,
        name="dossier-transition",
    ),
]
