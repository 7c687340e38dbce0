from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Convention


@admin.register(Convention)
class ConventionAdmin(SimpleHistoryAdmin):
    """Read-only: a convention changes only through its services (drawing up, the signatures),
    and its history shows every state it went through. A failed document is produced again by
    drawing the convention up again from its page."""

    list_display = ["number", "service_name", "organisation_name", "pdf_status", "signed_at"]
    list_filter = ["pdf_status"]
    search_fields = ["number", "service_name", "organisation_name", "dossier_reference"]
    readonly_fields = [f.name for f in Convention._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
