"""Every read of the campaigns app: who sees plans and campaigns, what awaits whom, and the
calendar of the plan's year."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from hijridate import Gregorian, Hijri

from association import roles
from core.cache import cached
from customers.models import Customer, CustomerKind
from links.models import TrackedLink
from links.selectors import VisitFigures, visit_figures

from .models import (
    CAMPAIGN_RELATIONS,
    OPEN_CAMPAIGN_STATES,
    Campaign,
    CampaignState,
    Department,
    MarketingPlan,
    Placement,
    PlanState,
)

# Which role records which department's note on the plan (3.1.8). The association has no
# finance role: resource development (تنمية الموارد المالية) speaks for the money; the
# strategic planning director keeps the programmes portfolio too, so he answers for
# programmes and projects; the centres-affairs manager for the centres.
DEPARTMENT_ROLES = {
    Department.FINANCE: roles.RESOURCE_DEVELOPMENT,
    Department.PLANNING: roles.PLANNING_DIRECTOR,
    Department.CENTRES: roles.CENTRES_MANAGER,
    Department.PROGRAMMES: roles.PLANNING_DIRECTOR,
}


# campaign_segment's topic (registered in apps.py).
SEGMENT_TOPIC = "campaign_segments"


def departments_of(user: User | AnonymousUser) -> list[str]:
    """The departments whose coordination notes this user records."""
    held = set(roles.user_roles(user))
    return [str(code) for code, role in DEPARTMENT_ROLES.items() if role in held]


def plans_visible_to(user: User | AnonymousUser) -> QuerySet[MarketingPlan]:
    if not user.has_perm("campaigns.view_marketingplan"):
        return MarketingPlan.objects.none()
    return MarketingPlan.objects.select_related("created_by", "decided_by")


def plans_with_totals(user: User | AnonymousUser) -> QuerySet[MarketingPlan]:
    """The plans with their campaigns' count and estimated budget, cancelled ones aside."""
    live = ~Q(campaigns__state=CampaignState.CANCELLED)
    return plans_visible_to(user).annotate(
        campaign_count=Count("campaigns", filter=live),
        budget_total=Coalesce(Sum("campaigns__budget", filter=live), Decimal(0)),
    )


def campaigns_visible_to(user: User | AnonymousUser) -> QuerySet[Campaign]:
    if not user.has_perm("campaigns.view_campaign"):
        return Campaign.objects.none()
    return Campaign.objects.select_related("plan", "agency")


def campaign_segment(campaign: Campaign) -> dict[str, list[Any]]:
    """{relation: rows} of CAMPAIGN_RELATIONS (each in its model's order), kept under
    SEGMENT_TOPIC (renewed when the choices of a campaign, or a city, centre, category or
    programme change): the campaign page and its form read them in one round trip to the
    cache instead of a query per relation (Django's building of each query costs more than
    the query)."""
    return cached(
        SEGMENT_TOPIC,
        str(campaign.pk),
        lambda: {name: list(getattr(campaign, name).all()) for name in CAMPAIGN_RELATIONS},
    )


def agencies() -> QuerySet[Customer]:
    """The advertising agencies: active customers of type Other (manual: the agency is
    outside the association and never logs in)."""
    return Customer.objects.filter(kind=CustomerKind.OTHER, is_active=True).order_by("name")


def approved_plans() -> QuerySet[MarketingPlan]:
    return MarketingPlan.objects.filter(state=PlanState.APPROVED)


# --- what awaits whom ----------------------------------------------------------------------

MANAGER_STATES = (
    CampaignState.DRAFT,
    CampaignState.CHANNELS_APPROVED,
    CampaignState.PROPOSALS_REQUESTED,
    CampaignState.PROPOSAL_CHOSEN,
    CampaignState.PROGRAMME_APPROVED,
)
MANAGEMENT_STATES = (CampaignState.CHANNELS_SUBMITTED, CampaignState.PROGRAMME_SUBMITTED)


def campaigns_awaiting(user: User, limit: int) -> list[Campaign]:
    """Campaigns waiting for this user's step, the nearest deadline first."""
    states: list[str] = []
    if user.has_perm("campaigns.manage_campaign"):
        states += MANAGER_STATES
    elif user.has_perm("campaigns.add_proposal"):
        states.append(CampaignState.PROPOSALS_REQUESTED)
    if user.has_perm("campaigns.approve_campaign"):
        states += MANAGEMENT_STATES
    if not states:
        return []
    # One query: the items show the campaign's own columns only.
    return list(
        Campaign.objects.filter(state__in=states)
        .filter(state__in=OPEN_CAMPAIGN_STATES)
        .order_by("due_at", "starts_on", "pk")[:limit]
    )


def plans_awaiting(user: User) -> list[MarketingPlan]:
    """Plans waiting for this user: to prepare or submit (CRM manager), to coordinate (a
    department that has not written its note), to decide (management)."""
    states: list[str] = []
    if user.has_perm("campaigns.change_marketingplan"):
        states += [PlanState.DRAFT, PlanState.RETURNED, PlanState.COORDINATION]
    if user.has_perm("campaigns.approve_marketingplan"):
        states.append(PlanState.SUBMITTED)
    waiting = list(MarketingPlan.objects.filter(state__in=states).order_by("year"))
    departments = departments_of(user)
    if departments and user.has_perm("campaigns.coordinate_marketingplan"):
        in_coordination = MarketingPlan.objects.filter(state=PlanState.COORDINATION).exclude(
            pk__in=[plan.pk for plan in waiting]
        )
        for plan in in_coordination.prefetch_related("coordinations"):
            done = {note.department for note in plan.coordinations.all()}
            if set(departments) - done:
                waiting.append(plan)
    return waiting


# --- the calendar -------------------------------------------------------------------------


@dataclass(frozen=True)
class Season:
    """A period the campaigns are timed around (3.1.8 «أن تتحرى الوقت المناسب»)."""

    label: str
    starts_on: date
    ends_on: date
    kind: str  # religious, national, school


# The school terms of the Ministry of Education's calendar, which it publishes each year:
# add the next year's terms here when they are announced.
SCHOOL_TERMS = (
    (_("First school term"), date(2025, 8, 24), date(2025, 11, 20)),
    (_("Second school term"), date(2025, 11, 30), date(2026, 3, 5)),
    (_("Third school term"), date(2026, 3, 15), date(2026, 6, 25)),
    (_("First school term"), date(2026, 8, 23), date(2026, 11, 19)),
    (_("Second school term"), date(2026, 11, 29), date(2027, 3, 4)),
    (_("Third school term"), date(2027, 3, 14), date(2027, 6, 24)),
)
# Hijri seasons: (label, (month, day) start, (month, day) end).
HIJRI_SEASONS = (
    (_("Ramadan"), (9, 1), (9, 29), "religious"),
    (_("Eid al-Fitr"), (10, 1), (10, 4), "religious"),
    (_("Hajj season"), (12, 1), (12, 13), "religious"),
    (_("Eid al-Adha"), (12, 10), (12, 13), "religious"),
)


def _hijri_to_date(year: int, month: int, day: int) -> date | None:
    try:
        gregorian = Hijri(year, month, day).to_gregorian()
    except (OverflowError, ValueError):
        return None
    return date(gregorian.year, gregorian.month, gregorian.day)


def hijri_years_of(year: int) -> tuple[int, int]:
    """The Hijri years the Gregorian year spans (the first and the last day's)."""
    first = Gregorian(year, 1, 1).to_hijri().year
    last = Gregorian(year, 12, 31).to_hijri().year
    return first, last


def seasons_of(year: int) -> list[Season]:
    """The seasons that touch the Gregorian year, in date order."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    seasons = [
        Season(str(_("Founding Day")), date(year, 2, 22), date(year, 2, 22), "national"),
        Season(str(_("Saudi National Day")), date(year, 9, 23), date(year, 9, 23), "national"),
    ]
    first, last = hijri_years_of(year)
    for hijri_year in range(first, last + 1):
        for label, (m1, d1), (m2, d2), kind in HIJRI_SEASONS:
            begins, ends = _hijri_to_date(hijri_year, m1, d1), _hijri_to_date(hijri_year, m2, d2)
            if begins and ends and begins <= end and ends >= start:
                seasons.append(Season(f"{label} {hijri_year}", begins, ends, kind))
    for label, begins, ends in SCHOOL_TERMS:
        if begins <= end and ends >= start:
            seasons.append(Season(str(label), begins, ends, "school"))
    return sorted(seasons, key=lambda season: (season.starts_on, season.ends_on))


@dataclass
class CalendarMonth:
    first_day: date
    seasons: list[Season]
    campaigns: list[Campaign]


def calendar_of(plan: MarketingPlan) -> list[CalendarMonth]:
    """The twelve months of the plan's year with the seasons and campaigns in each."""
    seasons = seasons_of(plan.year)
    campaigns = list(plan.campaigns.exclude(state=CampaignState.CANCELLED).order_by("starts_on"))
    months = []
    for month in range(1, 13):
        first = date(plan.year, month, 1)
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        months.append(
            CalendarMonth(
                first,
                [s for s in seasons if s.starts_on <= last and s.ends_on >= first],
                [c for c in campaigns if c.starts_on <= last and c.ends_on >= first],
            )
        )
    return months


def placement_links(placements: list[Placement]) -> dict[int, TrackedLink]:
    """{placement id: its tracked link, with `visit_count` and `unique_visitors`} for the
    programme's table: the links in one query, their figures in links' few (the nightly
    per-day totals and today's live count), whatever the number of placements and visits."""
    links = list(
        TrackedLink.objects.filter(
            owner_type=ContentType.objects.get_for_model(Placement),
            owner_id__in=[placement.pk for placement in placements],
        ).order_by()
    )
    figures = visit_figures([link.pk for link in links])
    for link in links:
        counted = figures.get(link.pk, VisitFigures())
        link.visit_count = counted.visits  # type: ignore[attr-defined]  # for the table
        link.unique_visitors = counted.unique_visitors  # type: ignore[attr-defined]
    return {link.owner_id: link for link in links if link.owner_id is not None}
