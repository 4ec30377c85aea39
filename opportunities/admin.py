"""Opportunities and donor contacts are read in the admin, never changed there: their steps
and decisions go through the site's pages (opportunities.services), which record who acted."""

from django.contrib import admin

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


class ReadOnlyAdminMixin:
    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PotentialDonorInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PotentialDonor
    extra = 0


class TransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = OpportunityTransition
    extra = 0


class ProbabilityChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProbabilityChange
    extra = 0


class CorrectionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = OpportunityCorrection
    extra = 0


class ApprovalStepInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ContactApprovalStep
    extra = 0


class DesignationTransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DesignationTransition
    extra = 0


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
    inlines = [PotentialDonorInline, ProbabilityChangeInline, CorrectionInline, TransitionInline]


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


class ProblemActionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProblemAction
    extra = 0


class ProblemTransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProblemTransition
    extra = 0


@admin.register(DonorProblem)
class DonorProblemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "donor", "kind", "severity", "state", "owner", "raised_at"]
    list_filter = ["state", "severity", "kind"]
    search_fields = ["title", "donor__name", "donor__code"]
    list_select_related = ["donor", "owner"]
    inlines = [ProblemActionInline, ProblemTransitionInline]
