"""Plans and campaigns are read in the admin, never changed there: every step goes through
the site's pages (campaigns.services), which record who acted."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin, ReadOnlyInline, TransitionInline

from .models import (
    Campaign,
    CampaignTransition,
    LaunchEvidence,
    MarketingPlan,
    Placement,
    PlanCoordination,
    PlanTransition,
    Proposal,
)


class PlanCoordinationInline(ReadOnlyInline):
    model = PlanCoordination


class PlanTransitionInline(TransitionInline):
    model = PlanTransition


@admin.register(MarketingPlan)
class MarketingPlanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("year", "title", "state")
    list_filter = ("state",)
    inlines = [PlanCoordinationInline, PlanTransitionInline]


class ProposalInline(ReadOnlyInline):
    model = Proposal


class PlacementInline(ReadOnlyInline):
    model = Placement


class LaunchEvidenceInline(ReadOnlyInline):
    model = LaunchEvidence


class CampaignTransitionInline(TransitionInline):
    model = CampaignTransition


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "plan", "state", "starts_on", "budget")
    list_filter = ("state",)
    search_fields = ("title",)
    inlines = [ProposalInline, PlacementInline, LaunchEvidenceInline, CampaignTransitionInline]
