from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from applications.views.referential import referential_versions
from catalogue.sitemaps import SITEMAPS
from catalogue.views import public as public_pages

from . import pages, views
from .public_cache import public_cache

admin.site.site_header = _("Administration du portail de référencement")
admin.site.site_title = _("Administration — référencement Mon espace santé")
admin.site.index_title = _("Comptes, rôles et référentiel")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Pages that link no icon (the admin's) make browsers ask for this one.
    path("favicon.ico", views.favicon),
    path("comptes/", include("portal.accounts.urls")),  # the profile page
    path("comptes/", include("allauth.urls")),
    # The header's language selector posts here. No CSRF token: the form sits on every page,
    # the public ones included, which the caches in front of Django keep only without a token
    # (portal/public_cache.py); a forged request could only switch someone's display language.
    path("langue/", csrf_exempt(set_language), name="set_language"),
    # The footer's mandatory pages.
    path("mentions-legales/", pages.legal_notice, name="legal-notice"),
    path("donnees-personnelles/", pages.personal_data, name="personal-data"),
    path("gestion-des-cookies/", pages.cookies, name="cookies"),
    path("accessibilite/", pages.accessibility, name="accessibility"),
    path("organisations/", include("portal.organisations.urls")),
    path("dossiers/", include("applications.urls")),
    path("decisions/", include("decisions.urls")),
    path("conventions/", include("conventions.urls")),
    path("instruction/", include("reviews.urls")),
    path("catalogue/", include("catalogue.urls")),
    path("modifications/", include("changes.urls")),  # changes declared after publication
    path("bac-a-sable/", include("sandbox.urls")),  # OAuth2 pairing (oauth/), holders, clients
    path("sitemap.xml", public_cache(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", public_pages.robots_txt, name="robots"),
    path("api/", include("catalogue.api.urls")),  # open API (v1/) and FHIR view (fhir/)
    path("referentiel/", referential_versions, name="referential-versions"),
    # Django's own admin login would sign staff in with a password alone: allauth's flow, with
    # its TOTP step, is the only way in.
    path("gestion-technique/login/", views.admin_login, name="admin-login"),
    path("gestion-technique/", admin.site.urls),
]
