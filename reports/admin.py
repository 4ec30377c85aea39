"""The reports in the admin: the association's visual identity (one row), the recipients of
each report type, and the produced reports (read-only: they change only through
reports.services; a failed run can be retried). The schedule is django-celery-beat's
"Periodic tasks"."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdminMixin, ReadOnlyInline, TransitionInline

from . import services, tasks
from .models import (
    DepartmentReview,
    Report,
    ReportRecipient,
    ReportTransition,
    RunStatus,
    VisualIdentity,
)


@admin.register(VisualIdentity)
class VisualIdentityAdmin(admin.ModelAdmin):
    """One row: the name, logo and colours printed on every report (manual 3.1.10)."""

    list_display = ["name", "primary_colour", "accent_colour"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not VisualIdentity.objects.exists()


@admin.register(ReportRecipient)
class ReportRecipientAdmin(admin.ModelAdmin):
    list_display = ["report_type", "user", "email", "is_active"]
    list_filter = ["report_type", "is_active"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "email"]
    autocomplete_fields = ["user"]


class ReportTransitionInline(TransitionInline):
    model = ReportTransition


class DepartmentReviewInline(ReadOnlyInline):
    model = DepartmentReview
    fields = (
        "department",
        "reviewer",
        "reviewed_at",
        "weaknesses",
        "follow_up_notes",
    )


@admin.register(Report)
class ReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: reports are produced, reviewed and archived through reports.services."""

    list_display = [
        "report_type",
        "period_start",
        "period_end",
        "status",
        "review_state",
        "trigger",
        "attempts",
        "finished_at",
    ]
    list_filter = ["report_type", "status", "review_state", "trigger"]
    date_hierarchy = "period_start"
    inlines = [DepartmentReviewInline, ReportTransitionInline]
    actions = ["retry_failed"]

    def has_produce_permission(self, request):
        return request.user.has_perm("reports.produce_report")

    @admin.action(description=_("Retry the failed runs"), permissions=["produce"])
    def retry_failed(self, request, queryset):
        retried = 0
        for report in queryset.filter(status=RunStatus.FAILED):
            try:
                services.retry_report(report=report, actor=request.user)
            except (services.ReportError, PermissionDenied):
                continue
            tasks.enqueue_production(report.pk)
            retried += 1
        if retried:
            self.message_user(
                request,
                ngettext(
                    "%(count)d report was sent to be produced again.",
                    "%(count)d reports were sent to be produced again.",
                    retried,
                )
                % {"count": retried},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, _("No failed report was selected."), messages.WARNING)
