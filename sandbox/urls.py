"""The sandbox, under /bac-a-sable/ (portal/urls.py): the dossier's sandbox page and the
editor's actions (`sandbox:`), the fictitious holder's pages, the FHIR endpoints under fhir/
(`sandbox:fhir-…`, sandbox/views/fhir.py), and django-oauth-toolkit's endpoints under oauth/,
in DOT's own namespace (`oauth2_provider:`, which its views reverse)."""

from django.urls import include, path, re_path
from oauth2_provider import views as dot

from . import urls_stages
from .views import clients, fhir, holders, oauth

pages = [
    path("dossiers/<int:pk>/", clients.client_detail, name="client-detail"),
    path("dossiers/<int:pk>/appels/", clients.client_calls, name="client-calls"),
    path("dossiers/<int:pk>/client/", clients.client_create, name="client-create"),
    path(
        "dossiers/<int:pk>/client/secret/",
        clients.client_rotate_secret,
        name="client-rotate-secret",
    ),
    path(
        "dossiers/<int:pk>/client/adresses-de-retour/",
        clients.client_redirect_uris,
        name="client-redirect-uris",
    ),
    path("titulaire/", holders.holder_home, name="holder-home"),
    path("titulaire/connexion/", holders.holder_sign_in, name="holder-sign-in"),
    path("titulaire/deconnexion/", holders.holder_sign_out, name="holder-sign-out"),
    path(
        "titulaire/consentements/<int:pk>/retrait/",
        holders.consent_withdraw_view,
        name="consent-withdraw",
    ),
    # FHIR R4: the measures feed is a transaction Bundle posted to the base.
    path("fhir/", fhir.fhir_measures, name="fhir-base"),
    path("fhir/metadata", fhir.fhir_metadata, name="fhir-metadata"),
    path("fhir/DocumentReference", fhir.fhir_document_reference, name="fhir-document-reference"),
    path("fhir/Appointment", fhir.fhir_appointment, name="fhir-appointment"),
]

oauth_endpoints = [
    path("authorize/", oauth.SandboxAuthorizationView.as_view(), name="authorize"),
    path("token/", oauth.SandboxTokenView.as_view(), name="token"),
    path("revoke_token/", oauth.SandboxRevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", oauth.SandboxIntrospectTokenView.as_view(), name="introspect"),
    path("userinfo/", oauth.SandboxUserInfoView.as_view(), name="user-info"),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        dot.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", dot.JwksInfoView.as_view(), name="jwks-info"),
    # RFC 8414, under the issuer (…/bac-a-sable/oauth): also the `iss` of the authorization
    # responses (RFC 9207).
    path(
        ".well-known/oauth-authorization-server",
        dot.OAuthServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
]

pages += urls_stages.urlpatterns  # the test stages' pages (sandbox/urls_stages.py)

urlpatterns = [
    path("", include((pages, "sandbox"))),
    path("oauth/", include((oauth_endpoints, "oauth2_provider"))),
]
