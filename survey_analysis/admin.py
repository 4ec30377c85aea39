"""The administrator's thresholds of the analysis, and read-only views of what the services
write (findings, treatment steps, decisions, documents); success stories with their steps."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin import ReadOnlyAdminMixin, TransitionInline

from .models import (
    AnalysisSettings,
    ManagementDecision,
    RoundDocument,
    RoundFindings,
    SuccessStory,
    SuccessStoryTransition,
    TreatmentAction,
)


@admin.register(AnalysisSettings)
class AnalysisSettingsAdmin(admin.ModelAdmin):
    """One row: the thresholds that flag weak points and hide a presenter's figures."""

    list_display = ("__str__", "min_agree_percent", "min_mean", "presenter_min_answers")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not AnalysisSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RoundFindings)
class RoundFindingsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("round", "level", "satisfaction_index", "written_by", "written_at")
    list_select_related = ("round", "written_by")


@admin.register(TreatmentAction)
class TreatmentActionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("text", "round", "owner", "due_on", "done_at")
    list_filter = ("due_on",)
    list_select_related = ("round", "owner")


@admin.register(ManagementDecision)
class ManagementDecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("round", "outcome", "decided_by", "decided_at")
    list_select_related = ("round", "decided_by")


@admin.register(RoundDocument)
class RoundDocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("round", "kind", "produced_by", "produced_at")
    list_select_related = ("round", "produced_by")


class SuccessStoryTransitionInline(TransitionInline):
    model = SuccessStoryTransition


@admin.register(SuccessStory)
class SuccessStoryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "programme", "state", "written_at")
    list_filter = ("state",)
    list_select_related = ("programme",)
    inlines = (SuccessStoryTransitionInline,)
