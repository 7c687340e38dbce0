from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .domain.services import decision_dispatch
from .models import Decision, DecisionCounter, PdfStatus


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    """Signed decisions are read-only; a failed document can be produced again."""

    list_display = ["number", "service_name", "kind", "outcome", "decided_at", "pdf_status"]
    list_filter = ["kind", "outcome", "pdf_status", "year"]
    search_fields = ["number", "service_name", "organisation_name", "dossier_reference"]
    readonly_fields = [f.name for f in Decision._meta.fields]
    actions = ["render_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Relancer la génération du document"))
    def render_again(self, request, queryset):
        ids = list(queryset.exclude(pdf_status=PdfStatus.READY).values_list("pk", flat=True))
        Decision.objects.filter(pk__in=ids).update(pdf_status=PdfStatus.PENDING, pdf_attempts=0)
        for decision_id in ids:
            decision_dispatch(decision_id=decision_id)
        self.message_user(
            request,
            ngettext(
                "%(count)d document remis en production.",
                "%(count)d documents remis en production.",
                len(ids),
            )
            % {"count": len(ids)},
            messages.SUCCESS,
        )


@admin.register(DecisionCounter)
class DecisionCounterAdmin(admin.ModelAdmin):
    list_display = ["year", "last"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
