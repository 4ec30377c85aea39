"""The surveys in the admin: the settings (the item and the score that open a follow-up
case) are edited here; instruments, rounds and responses are read, never changed here:
their writes go through surveys.services (new versions, steps, answers)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin import ReadOnlyAdminMixin, ReadOnlyInline, TransitionInline

from .models import (
    Answer,
    Instrument,
    InstrumentVersion,
    Invitation,
    Item,
    Response,
    Round,
    RoundCentre,
    RoundTransition,
    SurveySettings,
)


@admin.register(SurveySettings)
class SurveySettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "follow_up_item_code", "follow_up_max_value")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SurveySettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ItemInline(ReadOnlyInline):
    model = Item


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("instrument", "number", "created_at")
    list_filter = ("instrument",)
    inlines = [ItemInline]


class VersionInline(ReadOnlyInline):
    model = InstrumentVersion
    fields = ("number", "change_note", "created_at")


@admin.register(Instrument)
class InstrumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind")
    inlines = [VersionInline]


class RoundCentreInline(ReadOnlyInline):
    model = RoundCentre


class RoundTransitionInline(TransitionInline):
    model = RoundTransition


@admin.register(Round)
class RoundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "state", "ended_on", "due_at")
    list_filter = ("state",)
    search_fields = ("title", "activity_name")
    list_select_related = ("programme",)
    inlines = [RoundCentreInline, RoundTransitionInline]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("round", "customer", "channel", "created_at", "answered_at")
    list_select_related = ("round", "customer")
    raw_id_fields = ("customer",)


class AnswerInline(ReadOnlyInline):
    model = Answer
    fields = ("item", "value", "text")


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("round", "channel", "centre", "submitted_at")
    list_filter = ("channel",)
    list_select_related = ("round", "centre")
    inlines = [AnswerInline]
