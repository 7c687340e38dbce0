"""Technical administration of the evaluation records. Evaluation work is done in the portal's
pages (they check who may do what); here signed evaluations, verdicts and declarations are
read-only, kept for the record."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .domain.report import report_dispatch
from .models import (
    Assignment,
    ComplementItem,
    ComplementRequest,
    DomainEvaluation,
    EvaluationReport,
    ExpertConflict,
    IncompletenessItem,
    ReportStatus,
    Verdict,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "domain", "expert", "conflict_status", "due_on", "released_at"]
    list_filter = ["domain", "conflict_status"]
    search_fields = ["dossier__reference", "expert__email", "dossier__service__name"]
    list_select_related = ["dossier__service", "expert"]


@admin.register(ExpertConflict)
class ExpertConflictAdmin(ReadOnlyAdmin):
    list_display = ["expert", "organisation", "declared_at"]
    search_fields = ["expert__email", "organisation__name"]
    list_select_related = ["expert", "organisation"]


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "requirement", "verdict", "expert", "revision_number", "updated_at"]
    list_filter = ["verdict"]
    search_fields = ["dossier__reference", "requirement__code"]
    list_select_related = ["dossier__service", "requirement", "expert"]


class ComplementItemInline(admin.TabularInline):
    model = ComplementItem
    extra = 0
    can_delete = False
    readonly_fields = ["requirement", "question"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ComplementRequest)
class ComplementRequestAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "requested_by", "requested_at", "revision_number", "answered_at"]
    search_fields = ["dossier__reference"]
    list_select_related = ["dossier__service", "requested_by"]
    inlines = [ComplementItemInline]


@admin.register(DomainEvaluation)
class DomainEvaluationAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "domain", "expert", "conclusion", "signed_at"]
    list_filter = ["domain", "conclusion"]
    search_fields = ["dossier__reference"]
    list_select_related = ["dossier__service", "expert"]


@admin.register(EvaluationReport)
class EvaluationReportAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "status", "attempts", "generated_at", "created_at"]
    list_filter = ["status"]
    search_fields = ["dossier__reference"]
    list_select_related = ["dossier__service"]
    actions = ["render_again"]

    @admin.action(description=_("Relancer la génération du rapport"))
    def render_again(self, request, queryset):
        ids = list(queryset.exclude(status=ReportStatus.READY).values_list("pk", flat=True))
        queryset.filter(pk__in=ids).update(status=ReportStatus.PENDING)
        for report_id in ids:
            transaction.on_commit(lambda report_id=report_id: report_dispatch(report_id=report_id))
        self.message_user(
            request,
            ngettext("%d rapport relancé.", "%d rapports relancés.", len(ids)) % len(ids),
            messages.SUCCESS,
        )


@admin.register(IncompletenessItem)
class IncompletenessItemAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "requirement", "reason", "position"]
    search_fields = ["dossier__reference", "requirement__code"]
    list_select_related = ["dossier__service", "requirement"]
