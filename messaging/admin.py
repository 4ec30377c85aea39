"""Administrators see every consent change (read-only: they are written by the services and
never changed), keep the suppression list, with its history, and read the SMS sent to
numbers that are no customer's record (the public complaint's tracking number)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdminMixin

from .forms import SuppressionForm
from .models import Consent, DirectSms, Suppression


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
