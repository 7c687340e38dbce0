"""The referential in the admin: read-only, since versions are loaded from YAML
(`manage.py load_referential`) and frozen once a dossier is pinned to them."""

from django.contrib import admin

from .models import ReferentialVersion, Requirement


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReferentialVersion)
class ReferentialVersionAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "published_on", "supersedes", "loaded_at"]
    search_fields = ["code", "title"]


@admin.register(Requirement)
class RequirementAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "domain", "mandatory", "blocking", "version"]
    list_filter = ["version", "domain", "mandatory", "blocking"]
    search_fields = ["code", "title", "statement"]
    list_select_related = ["version"]
