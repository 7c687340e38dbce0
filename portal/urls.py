from django.contrib import admin
from django.urls import include, path

from applications.views.referential import referential_versions

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("comptes/", include("allauth.urls")),
    path("organisations/", include("portal.organisations.urls")),
    path("dossiers/", include("applications.urls")),
    path("decisions/", include("decisions.urls")),
    path("instruction/", include("reviews.urls")),
    path("referentiel/", referential_versions, name="referential-versions"),
    path("gestion-technique/", admin.site.urls),
]
