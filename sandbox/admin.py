"""The sandbox in the technical administration, read only: clients are managed by the editors
on the dossier's sandbox page, tokens by the OAuth2 flows. django-oauth-toolkit registers its
(swapped) models with the admin classes the OAUTH2_PROVIDER["*_ADMIN_CLASS"] settings name,
defined here; this module registers the sandbox's own. No secret, code or token is shown."""

from django.contrib import admin

from .models import SandboxCall, SandboxConsent, SandboxHolder


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SandboxClientAdmin(ReadOnlyAdmin):
    list_display = ("client_id", "name", "dossier", "created", "secret_rotated_at")
    search_fields = ("client_id", "name", "dossier__reference")
    fields = (
        "client_id",
        "name",
        "dossier",
        "user",
        "redirect_uris",
        "client_type",
        "authorization_grant_type",
        "algorithm",
        "created",
        "updated",
        "secret_rotated_at",
    )
    list_select_related = ("dossier",)


class _TokenAdmin(ReadOnlyAdmin):
    list_display = ("pk", "application", "user", "created")
    list_select_related = ("application", "user")
    search_fields = ("application__client_id", "user__test_identifier")
    exclude = ("token", "token_checksum", "code")


class SandboxAccessTokenAdmin(_TokenAdmin):
    list_display = ("pk", "application", "user", "scope", "expires")


class SandboxRefreshTokenAdmin(_TokenAdmin):
    list_display = ("pk", "application", "user", "token_family", "revoked")


class SandboxGrantAdmin(_TokenAdmin):
    list_display = ("pk", "application", "user", "scope", "expires", "used_at")


class SandboxIDTokenAdmin(_TokenAdmin):
    list_display = ("jti", "application", "user", "expires")
    exclude = ()


@admin.register(SandboxHolder)
class SandboxHolderAdmin(ReadOnlyAdmin):
    list_display = ("test_identifier", "given_name", "family_name", "client", "last_login")
    search_fields = ("test_identifier", "client__client_id")
    list_select_related = ("client",)


@admin.register(SandboxConsent)
class SandboxConsentAdmin(ReadOnlyAdmin):
    list_display = ("holder", "scope", "granted_at", "withdrawn_at")
    list_select_related = ("holder",)


@admin.register(SandboxCall)
class SandboxCallAdmin(ReadOnlyAdmin):
    list_display = ("at", "client", "kind", "outcome", "response_status")
    list_filter = ("kind", "outcome")
    search_fields = ("client__client_id",)
    list_select_related = ("client",)
