"""The catalogue cards in the Django admin: read-only. A card changes only through its services
(catalogue/domain/cards.py: the editor proposes, the administration reviews on the portal), so
the admin can neither add, change nor delete one."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal.accounts.rules import is_admin

from .models import Card


@admin.register(Card)
class CardAdmin(SimpleHistoryAdmin):
    list_display = ["name", "service", "version", "state", "submitted_at", "reviewed_at"]
    list_filter = ["state"]
    search_fields = ["name", "editor_public_name", "service__name"]
    list_select_related = ["service"]
    readonly_fields = [field.name for field in Card._meta.fields]
    exclude = []

    def has_module_permission(self, request):
        return is_admin.test(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_admin.test(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
