"""The open API (/api/v1/) and the FHIR view (/api/fhir/), included by portal/urls.py at /api/.

Every public view is wrapped in `@public_cache` (the DRF ones here, on their `as_view()`): the
public cache answers identical anonymous requests from memory until the next publication
change."""

from functools import cache

from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView

from portal.public_cache import public_cache

from ..views import fhir
from . import docs, views

app_name = "api"


@cache
def _schema_view():
    from .schema import ServiceSchema  # loaded on first use (catalogue/api/schema.py says why)

    return public_cache(ServiceSchema.as_view())


@csrf_exempt
def schema(request, *args, **kwargs):
    return _schema_view()(request, *args, **kwargs)


urlpatterns = [
    path("v1/services/", public_cache(views.ServiceList.as_view()), name="services-list"),
    path(
        "v1/services/<slug:slug>/",
        public_cache(views.ServiceDetail.as_view()),
        name="services-detail",
    ),
    path("v1/schema/", schema, name="schema"),
    path("v1/docs/", docs.api_docs, name="docs"),
    path("v1/", RedirectView.as_view(pattern_name="api:docs"), name="root"),
    # Ending with "/" only: "/api/v1/services" must still be redirected to "…/services/".
    re_path(r"^v1/(?P<rest>.+/)$", views.not_found, name="not-found"),
    path("fhir/metadata", fhir.metadata, name="fhir-metadata"),
    path(
        "fhir/DeviceDefinition", fhir.device_definition_search, name="fhir-devicedefinition-search"
    ),
    path(
        "fhir/DeviceDefinition/<str:resource_id>",
        fhir.device_definition_read,
        name="fhir-devicedefinition-read",
    ),
    path(
        "fhir/Organization/<str:resource_id>",
        fhir.organization_read,
        name="fhir-organization-read",
    ),
    re_path(r"^fhir/(?P<rest>.*)$", fhir.not_found, name="fhir-not-found"),
]
