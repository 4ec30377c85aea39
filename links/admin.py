"""The allow-list of outside hosts is kept here (only here); tracked links are shown and
edited with the same target rule as the staff's form, and made through the service so
that each gets a free code."""

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .forms import AllowedRedirectHostForm, TrackedLinkForm
from .models import AllowedRedirectHost, TrackedLink
from .services import new_code


@admin.register(AllowedRedirectHost)
class AllowedRedirectHostAdmin(SimpleHistoryAdmin):
    form = AllowedRedirectHostForm
    list_display = ["host", "note", "added_at"]
    search_fields = ["host", "note"]


@admin.register(TrackedLink)
class TrackedLinkAdmin(SimpleHistoryAdmin):
    form = TrackedLinkForm
    list_display = ["label", "code", "target", "is_active", "expires_at", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["label", "code", "target"]
    readonly_fields = ["code", "created_by", "created_at"]

    def save_model(self, request: Any, obj: TrackedLink, form: Any, change: bool) -> None:
        if not change:
            obj.code = new_code()
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
