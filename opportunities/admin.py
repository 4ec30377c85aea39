"""Opportunities and donor contacts are read in the admin, never changed there: their steps
and decisions go through the site's pages (opportunities.services), which record who acted."""

from django.contrib import admin
from django.db.models import QuerySet

from core.admin import (
    LargeTableAdminMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    TransitionInline,
    dates_topic,
)
from customers.selectors import search_by_customer, search_through_customer
from customers.statistics import STATISTICS_TOPIC
from programmes.models import Programme
from programmes.selectors import search_programmes

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
from .selectors import BOARD_TOPIC, list_count, search_opportunities

# The admin's search boxes run the site's own searches (core.admin.LargeTableAdminMixin).


def search_by_donor(queryset: QuerySet, text: str) -> QuerySet:
    """Records about a donor the customer search finds (name, code, mobile)."""
    return search_by_customer(queryset, text, field="donor")


def search_through_donor(queryset: QuerySet, text: str) -> QuerySet:
    """The records of search_by_donor, the condition checked on the joined donor."""
    return search_through_customer(queryset, text, field="donor")


def search_opportunities_or_programmes(queryset: QuerySet, text: str) -> QuerySet:
    """The opportunity list's title search, or the programme's code or name."""
    programmes = search_programmes(Programme.objects.all(), text).values("pk")
    return search_opportunities(queryset, text) | queryset.filter(programme__in=programmes)


def search_problems(queryset: QuerySet, text: str) -> QuerySet:
    """Part of the problem's title (a short register), or its donor."""
    return queryset.filter(title__icontains=text.strip()) | search_by_donor(queryset, text)


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
class PointOfContactDesignationAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Proposed and decided on the site (the sub-council secretary approves there)."""

    list_display = ["donor", "staff", "state", "proposed_by", "decided_by", "created_at"]
    list_filter = ["state", "carried_over"]
    search_fields = ["donor__name_normalized", "donor__code"]
    search_selector = staticmethod(search_by_donor)
    list_select_related = ["donor", "staff", "proposed_by", "decided_by"]
    inlines = [DesignationTransitionInline]


@admin.register(Opportunity)
class OpportunityAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "programme", "state", "owner", "probability", "last_activity_at"]
    list_filter = ["state"]
    # The list's own search (the stored normalised title), or the programme's.
    search_fields = ["title_normalized", "programme__code", "programme__name_normalized"]
    search_selector = staticmethod(search_opportunities_or_programmes)
    # Counted as the site's list counts: kept until an opportunity or a programme changes;
    # a search's count and its date drill-down's days too (the board's topic follows both,
    # their update() writes included).
    count_selector = staticmethod(list_count)
    search_topics = (BOARD_TOPIC,)
    list_select_related = ["programme", "owner"]
    date_hierarchy = "created_at"
    inlines = [
        PotentialDonorInline,
        ProbabilityChangeInline,
        CorrectionInline,
        OpportunityTransitionInline,
    ]


@admin.register(DonorContact)
class DonorContactAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["donor", "staff", "contact_date", "channel", "is_planned", "approval"]
    list_filter = ["approval", "channel", "is_planned"]
    search_fields = ["donor__name_normalized", "donor__code"]
    # The page walks the contacts newest first (donor_contact_newest) and checks each one's
    # donor by key; the count and the drill-down's days are kept until a contact or a
    # customer changes.
    search_selector = staticmethod(search_through_donor)
    search_topics = (dates_topic(DonorContact), STATISTICS_TOPIC)
    list_select_related = ["donor", "staff"]
    # A deep page skips rows by their ids alone, not joined to their donor and staff member.
    page_ids_first = True
    date_hierarchy = "contact_date"
    inlines = [ApprovalStepInline]


@admin.register(DonorInterest)
class DonorInterestAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["donor", "category", "recorded_by", "recorded_at"]
    list_filter = ["category"]
    search_fields = ["donor__name_normalized", "donor__code"]
    search_selector = staticmethod(search_by_donor)
    list_select_related = ["donor", "category", "recorded_by"]


# --- the donor-relationship problems register (read-only here too) --------------------------


class ProblemActionInline(ReadOnlyInline):
    model = ProblemAction


class ProblemTransitionInline(TransitionInline):
    model = ProblemTransition


@admin.register(DonorProblem)
class DonorProblemAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "donor", "kind", "severity", "state", "owner", "raised_at"]
    list_filter = ["state", "severity", "kind"]
    search_fields = ["title", "donor__name_normalized", "donor__code"]
    search_selector = staticmethod(search_problems)
    list_select_related = ["donor", "owner"]
    inlines = [ProblemActionInline, ProblemTransitionInline]
