"""Technical administration of the evaluation records. Evaluation work is done in the portal's
pages (they check who may do what); here signed evaluations, verdicts and declarations are
read-only, kept for the record."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .domain.report import report_dispatch
from .models import (
    AgendaItem,
    Assignment,
    CommissionSession,
    ComplementItem,
    ComplementRequest,
    DomainEvaluation,
    EvaluationReport,
    ExpertConflict,
    IncompletenessItem,
    ItemConflict,
    ReportStatus,
    ReservationResponse,
    SessionMember,
    Verdict,
    Vote,
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
        queryset.filter(pk__in=ids).update(status=ReportStatus.PENDING, attempts=0, last_error="")
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


# -- The commission: sessions, votes and conflicts are made in the portal's pages (which check who
# may do what and keep the minutes true); here they are read-only, kept for the record.


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SessionMemberInline(ReadOnlyInline):
    model = SessionMember
    fields = ["user", "is_chair", "present"]


class AgendaItemInline(ReadOnlyInline):
    model = AgendaItem
    fields = ["position", "dossier", "vote_status", "quorum_reached", "result"]
    show_change_link = True


@admin.register(CommissionSession)
class CommissionSessionAdmin(ReadOnlyAdmin):
    list_display = ["title", "date", "quorum_ratio"]
    date_hierarchy = "date"
    search_fields = ["title"]
    inlines = [SessionMemberInline, AgendaItemInline]


class VoteInline(ReadOnlyInline):
    model = Vote
    fields = ["member", "opinion", "comment", "updated_at"]


class ItemConflictInline(ReadOnlyInline):
    model = ItemConflict
    fields = ["member", "details", "declared_at"]


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "session", "position", "vote_status", "quorum_reached", "result"]
    list_filter = ["vote_status", "result"]
    search_fields = ["dossier__reference", "session__title"]
    list_select_related = ["dossier__service", "session"]
    inlines = [ItemConflictInline, VoteInline]


@admin.register(ReservationResponse)
class ReservationResponseAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "responded_by", "responded_at"]
    search_fields = ["dossier__reference"]
    list_select_related = ["dossier__service", "responded_by"]
