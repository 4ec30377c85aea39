"""The support requests in the admin: the catalogues (support types with their required
documents, document types, rejection reasons) and the settings are edited here, with their
history; requests, meetings and deliveries are read, never changed here: their writes go
through support.services (the steps, the committee's decisions)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdminMixin, ReadOnlyInline, TransitionInline

from .models import (
    AgendaItem,
    CommitteeMeeting,
    ConfidentialAccess,
    DocumentType,
    RejectionReason,
    RequestTransition,
    SupportRequest,
    SupportSettings,
    SupportType,
)


@admin.register(SupportSettings)
class SupportSettingsAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "earliest_answer_days", "committee_deadline_days")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SupportSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DocumentType)
class DocumentTypeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "has_expiry", "is_active", "position")
    list_editable = ("position",)
    list_filter = ("is_active", "has_expiry")
    search_fields = ("name",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SupportType)
class SupportTypeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "recurrence", "unit", "requires_research", "is_active", "position")
    list_filter = ("is_active", "recurrence", "requires_research")
    search_fields = ("name",)
    filter_horizontal = ("required_documents",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RejectionReason)
class RejectionReasonAdmin(SimpleHistoryAdmin):
    list_display = ("name", "is_active", "position")
    list_filter = ("is_active",)
    search_fields = ("name",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RequestTransitionInline(TransitionInline):
    model = RequestTransition


class ConfidentialAccessInline(ReadOnlyInline):
    model = ConfidentialAccess


@admin.register(SupportRequest)
class SupportRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "tracking_number",
        "applicant_name",
        "support_type",
        "state",
        "received_at",
        "committee_due_on",
    )
    list_filter = ("state", "support_type", "channel")
    search_fields = ("tracking_number", "applicant_national_id")
    list_select_related = ("support_type",)
    inlines = [RequestTransitionInline, ConfidentialAccessInline]


class AgendaItemInline(ReadOnlyInline):
    model = AgendaItem


@admin.register(CommitteeMeeting)
class CommitteeMeetingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "meets_at", "state", "place")
    list_filter = ("state",)
    inlines = [AgendaItemInline]
