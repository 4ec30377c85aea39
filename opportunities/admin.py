"""Opportunities and donor contacts are read in the admin, never changed there: their steps
and decisions go through the site's pages (opportunities.services), which record who acted."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin, ReadOnlyInline, TransitionInline

from .models import (
    ContactApprovalStep,
    DesignationTransition,
    DonorContact,
    DonorInterest,
    DonorProblem,
    Opportunity,
    OpportunityCorrection,
    OpportunityTransition,
    PointOfContactDesignation,
    PotentialDonor,
    ProbabilityChange,
    ProblemAction,
    ProblemTransition,
)


class PotentialDonorInline(ReadOnlyInline):
    model = PotentialDonor


class OpportunityTransitionInline(TransitionInline):
    model = OpportunityTransition


class ProbabilityChangeInline(ReadOnlyInline):
    model = ProbabilityChange


class CorrectionInline(ReadOnlyInline):
    model = OpportunityCorrection


class ApprovalStepInline(ReadOnlyInline):
    model = ContactApprovalStep


class DesignationTransitionInline(TransitionInline):
    model = DesignationTransition


@admin.register(PointOfContactDesignation)
class PointOfContactDesignationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Proposed and decided on the site (the sub-council secretary approves there)."""

    list_display = ["donor", "staff", "state", "proposed_by", "decided_by", "created_at"]
    list_filter = ["state", "carried_over"]
    search_fields = ["donor__name", "donor__code"]
    list_select_related = ["donor", "staff", "proposed_by", "decided_by"]
    inlines = [DesignationTransitionInline]


@admin.register(Opportunity)
class OpportunityAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "programme", "state", "owner", "probability", "last_activity_at"]
    list_filter = ["state"]
    search_fields = ["title", "programme__code", "programme__name"]
    list_select_related = ["programme", "owner"]
    date_hierarchy = "created_at"
    inlines = [
        PotentialDonorInline,
        ProbabilityChangeInline,
        CorrectionInline,
        OpportunityTransitionInline,
    ]


@admin.register(DonorContact)
class DonorContactAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["donor", "staff", "contact_date", "channel", "is_planned", "approval"]
    list_filter = ["approval", "channel", "is_planned"]
    search_fields = ["donor__name", "donor__code", "summary"]
    list_select_related = ["donor", "staff"]
    date_hierarchy = "contact_date"
    inlines = [ApprovalStepInline]


@admin.register(DonorInterest)
class DonorInterestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["donor", "category", "recorded_by", "recorded_at"]
    list_filter = ["category"]
    search_fields = ["donor__name", "donor__code"]
    list_select_related = ["donor", "category", "recorded_by"]


# --- the donor-relationship problems register (read-only here too) --------------------------


class ProblemActionInline(ReadOnlyInline):
    model = ProblemAction


class ProblemTransitionInline(TransitionInline):
    model = ProblemTransition


@admin.register(DonorProblem)
class DonorProblemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "donor", "kind", "severity", "state", "owner", "raised_at"]
    list_filter = ["state", "severity", "kind"]
    search_fields = ["title", "donor__name", "donor__code"]
    list_select_related = ["donor", "owner"]
    inlines = [ProblemActionInline, ProblemTransitionInline]
