from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from core.admin import LargeTableAdminMixin, ReadOnlyAdminMixin, ReadOnlyInline, TransitionInline

from .filters import search_cases
from .models import (
    Case,
    CaseAttachment,
    CaseCategory,
    CaseEntry,
    CaseEvent,
    CaseTransition,
    FaqEntry,
    FaqTransition,
    RegisterReview,
    RegisterReviewSchedule,
)


@admin.register(CaseCategory)
class CaseCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    search_fields = ["name"]


class CaseTransitionInline(TransitionInline):
    model = CaseTransition


class CaseEntryInline(ReadOnlyInline):
    model = CaseEntry
    fields = ("author", "at", "text")


class CaseEventInline(ReadOnlyInline):
    """Referrals, re-routes and customer-match decisions (complaints.services)."""

    model = CaseEvent
    fields = (
        "kind",
        "actor",
        "at",
        "from_route",
        "from_centre",
        "to_route",
        "to_centre",
        "note",
    )


class CaseAttachmentInline(ReadOnlyInline):
    """Listed only: files are added through the case page, which checks their content."""

    model = CaseAttachment
    fields = (
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    )


@admin.register(Case)
class CaseAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: cases change only through complaints.services."""

    list_display = ["tracking_number", "kind", "channel", "routed_to", "state", "due_at"]
    list_filter = ["kind", "channel", "routed_to", "contact_kind", "state"]
    # Searched by the register's own search (tracking number, mobile, the normalised subject
    # and names).
    search_fields = ["tracking_number", "search_text", "contact_mobile"]
    search_selector = staticmethod(search_cases)
    inlines = [CaseTransitionInline, CaseEventInline, CaseEntryInline, CaseAttachmentInline]


class FaqTransitionInline(TransitionInline):
    model = FaqTransition


@admin.register(FaqEntry)
class FaqEntryAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only: entries are proposed, approved and withdrawn on the staff FAQ pages
    (complaints.faq), so every step has its author and its trail. The history shows every
    edit; reverting to an old version here would bypass the four-eyes rule, so it is off."""

    list_display = ["question", "category", "state", "times_used", "proposed_by", "decided_at"]
    list_filter = ["state", "category"]
    search_fields = ["question", "search_text"]
    inlines = [FaqTransitionInline]

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(RegisterReviewSchedule)
class RegisterReviewScheduleAdmin(admin.ModelAdmin):
    """Since when each department's register is reviewed weekly: earlier weeks are never
    missed."""

    list_display = ["department", "starts_on"]


@admin.register(RegisterReview)
class RegisterReviewAdmin(admin.ModelAdmin):
    """Read-only: weekly reviews are recorded by the department managers on their page."""

    list_display = ["week_start", "department", "reviewer", "reviewed_at"]
    list_filter = ["department"]
    date_hierarchy = "week_start"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
