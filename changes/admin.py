from django.contrib import admin

from .models import ChangeDeclaration, ChangeRequest


@admin.register(ChangeDeclaration)
class ChangeDeclarationAdmin(admin.ModelAdmin):
    list_display = ("pk", "dossier", "state", "declared_at", "qualification_due_on")
    list_filter = ("state",)
    readonly_fields = [f.name for f in ChangeDeclaration._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChangeRequest)
class ChangeRequestAdmin(admin.ModelAdmin):
    list_display = ("pk", "dossier", "state", "due_on")
    list_filter = ("state",)
    readonly_fields = [f.name for f in ChangeRequest._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
