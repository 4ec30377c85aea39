"""Administrators see every consent change (read-only: they are written by the services and
never changed) and keep the suppression list, with its history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdminMixin

from .forms import SuppressionForm
from .models import Consent, Suppression


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
