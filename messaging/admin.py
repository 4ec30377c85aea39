"""Administrators see every consent change (read-only: they are written by the services and
never changed) and keep the suppression list, with its history; they set the messaging
settings (one row), keep segments (with their history) and read messages, their steps and
their recipients (written only by the services), and the SMS sent to numbers that are no
customer's record (the public complaint's tracking number)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdminMixin, TransitionInline

from .forms import SuppressionForm
from .models import (
    Consent,
    DirectSms,
    Message,
    MessageTransition,
    MessagingSettings,
    Recipient,
    Segment,
    Suppression,
)


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["customer", "channel", "purpose", "given", "at", "source", "recorded_by"]
    list_filter = ["channel", "purpose", "given", "source"]
    list_select_related = ["customer", "recorded_by"]
    search_fields = ["customer__code", "evidence"]
    raw_id_fields = ["customer", "recorded_by"]


@admin.register(Suppression)
class SuppressionAdmin(SimpleHistoryAdmin):
    form = SuppressionForm
    list_display = ["address", "reason", "at", "note"]
    list_filter = ["reason"]
    search_fields = ["address", "note"]


@admin.register(DirectSms)
class DirectSmsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["to", "about", "status", "created_at", "sent_at", "delivered_at", "error"]
    list_filter = ["status"]
    search_fields = ["to", "about", "gateway_id"]


@admin.register(MessagingSettings)
class MessagingSettingsAdmin(SimpleHistoryAdmin):
    """One row: added once, never deleted."""

    list_display = ["__str__", "approval_threshold", "quiet_start", "quiet_end", "price_per_part"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not MessagingSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Segment)
class SegmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "created_by", "updated_at"]
    list_select_related = ["created_by"]
    search_fields = ["name", "description"]
    readonly_fields = ["created_by", "created_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Segment, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class MessageTransitionInline(TransitionInline):
    model = MessageTransition


@admin.register(Message)
class MessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "purpose",
        "state",
        "segment",
        "customer",
        "created_by",
        "created_at",
    ]
    list_filter = ["state", "channel", "purpose"]
    list_select_related = ["segment", "customer", "created_by"]
    search_fields = ["subject", "body"]
    date_hierarchy = None
    inlines = [MessageTransitionInline]


# The claim's token and time are the sending's own bookkeeping, not for people to read.
_RECIPIENT_HIDDEN = {"claim", "claimed_at"}


@admin.register(Recipient)
class RecipientAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["customer", "message", "address", "status", "reason", "sent_at"]
    list_filter = ["status", "reason"]
    list_select_related = ["customer", "message"]
    search_fields = ["address", "customer__code"]
    raw_id_fields = ["customer", "message"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [
            name
            for name in super().get_readonly_fields(request, obj)
            if name not in _RECIPIENT_HIDDEN
        ]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_readonly_fields(request, obj)
