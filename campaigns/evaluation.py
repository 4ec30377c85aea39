"""A campaign's evaluation (manual 3.1.9): its targets against its results, for many
campaigns at once in a bounded number of grouped queries (never one per campaign,
placement, visit or outcome).

What is counted, and the rules:

- Visits and unique visitors come from the visits of the placements' tracked links (every
  visit recorded, bots left out by the redirect). A visitor is a hash salted per day, so a
  unique visitor is one person on one day through one placement: the same person on two
  days, or through two placements, counts twice. The figures come from the links' nightly
  per-day totals plus today's live count (`links.selectors.visit_figures`), so a campaign
  of a million visits costs no more than one of ten. Reach is measured by the unique
  visitors.
- Outcomes are the records of every registered links outcome (`links.outcomes`: cases
  filed on the public page, later survey answers and support requests) whose `source_link`
  is one of the campaign's links (first touch).
- Customers reached: the customers named by those outcomes. A customer is NEW when their
  record was created on or after their first outcome attributed to the campaign: the
  person came through the campaign and was recorded because of it (an existing customer
  matched to a public filing was already in the database and is not new).
- Opportunities and donations are attributed through the customers reached ("the
  campaign's donors"): opportunities opened (they are a potential or the pledging donor)
  and donations received from the launch date to the campaign's end plus
  ATTRIBUTION_WINDOW_DAYS.
- Spending is the sum of the placements' costs; cost per result divides it by visits,
  unique visitors, outcomes and new customers (None when there is none).
- A target left empty has no percentage (shown «—», never 0 %).

Reads only: no permission is checked here; the view checks who may see the campaign and
which outcome records they may open."""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    BigIntegerField,
    Count,
    DateField,
    DateTimeField,
    DecimalField,
    Min,
    Sum,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.cache import cached
from finance.models import Donation
from links.models import TrackedLink
from links.outcomes import Outcome, registered_outcomes
from links.selectors import visit_figures
from opportunities.models import Opportunity, PotentialDonor

from .models import Campaign, CampaignState, Placement

# Opportunities opened and donations received this many days after the campaign's planned
# end still count for it.
ATTRIBUTION_WINDOW_DAYS = 90
# The outcome key counted against the support requests target (an outcome registers
# `counts_towards="support_requests"`).
SUPPORT_REQUESTS = "support_requests"

# placements_and_links' topic (registered in apps.py): a placement's or link's change renews it.
PLACEMENTS_TOPIC = "campaign_placements"

CENT = Decimal("0.01")


def _per(amount: Decimal, count: int | Decimal) -> Decimal | None:
    if not count:
        return None
    return (amount / Decimal(count)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class PlacementResults:
    placement: Placement
    link: TrackedLink | None
    visits: int = 0
    unique_visitors: int = 0
    outcomes: int = 0

    @property
    def cost_per_visit(self) -> Decimal | None:
        return _per(self.placement.cost, self.visits)


@dataclass
class OutcomeResults:
    """One registered outcome's count for the campaign."""

    outcome: Outcome
    count: int = 0

    @property
    def key(self) -> str:
        return self.outcome.key

    @property
    def label(self) -> Any:
        return self.outcome.label


@dataclass
class TargetResults:
    key: str
    label: Any
    target: Decimal | int | None
    # None: not measurable yet (no outcome counts towards it).
    result: Decimal | int | None
    is_money: bool = False

    @property
    def has_target(self) -> bool:
        return self.target is not None

    @property
    def percent(self) -> int | None:
        """The share of the target reached, in whole percent (may pass 100); None when the
        target is empty or zero or the result is not measured."""
        if not self.target or self.result is None:
            return None
        share = Decimal(self.result) * 100 / Decimal(self.target)
        return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def bar(self) -> int:
        """The progress bar's width (0–100)."""
        return max(0, min(self.percent or 0, 100))


@dataclass
class CampaignResults:
    campaign: Campaign
    placements: list[PlacementResults] = field(default_factory=list)
    visits: int = 0
    unique_visitors: int = 0
    outcomes: list[OutcomeResults] = field(default_factory=list)
    customers_reached: int = 0
    new_customers: int = 0
    opportunities: int = 0
    donations_count: int = 0
    donations_total: Decimal = Decimal(0)
    spending: Decimal = Decimal(0)
    targets: list[TargetResults] = field(default_factory=list)
    # The days opportunities and donations are counted in (launch → end + window), None
    # before the launch.
    window: tuple[date, date] | None = None

    @property
    def is_launched(self) -> bool:
        return self.campaign.state == CampaignState.LAUNCHED

    @property
    def budget(self) -> Decimal:
        return self.campaign.budget

    @property
    def remaining(self) -> Decimal:
        """Budget minus spending (negative when over budget)."""
        return self.budget - self.spending

    @property
    def overspent(self) -> Decimal:
        """How much the spending passes the budget (0 within the budget)."""
        return max(self.spending - self.budget, Decimal(0))

    @property
    def spent_percent(self) -> int | None:
        if not self.budget:
            return None
        return int((self.spending * 100 / self.budget).quantize(Decimal(1), ROUND_HALF_UP))

    @property
    def outcomes_total(self) -> int:
        return sum(outcome.count for outcome in self.outcomes)

    @property
    def cost_per_visit(self) -> Decimal | None:
        return _per(self.spending, self.visits)

    @property
    def cost_per_unique_visitor(self) -> Decimal | None:
        return _per(self.spending, self.unique_visitors)

    @property
    def cost_per_outcome(self) -> Decimal | None:
        return _per(self.spending, self.outcomes_total)

    @property
    def cost_per_new_customer(self) -> Decimal | None:
        return _per(self.spending, self.new_customers)

    def outcome_count(self, key: str) -> int:
        return sum(outcome.count for outcome in self.outcomes if outcome.key == key)


def attribution_window(campaign: Campaign) -> tuple[date, date] | None:
    """The days the campaign's opportunities and donations are counted in: from its launch
    to its planned end plus ATTRIBUTION_WINDOW_DAYS; None before the launch."""
    if campaign.launched_on is None:
        return None
    end = max(campaign.ends_on, campaign.launched_on) + timedelta(days=ATTRIBUTION_WINDOW_DAYS)
    return campaign.launched_on, end


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def _targets(results: CampaignResults, support_measured: bool) -> list[TargetResults]:
    campaign = results.campaign
    support = (
        sum(o.count for o in results.outcomes if o.outcome.counts_towards == SUPPORT_REQUESTS)
        if support_measured
        else None
    )
    return [
        TargetResults(
            "reach", _("Reach (unique visitors)"), campaign.target_reach, results.unique_visitors
        ),
        TargetResults("visits", _("Visits"), campaign.target_visits, results.visits),
        TargetResults(
            "new_customers",
            _("New customers"),
            campaign.target_new_customers,
            results.new_customers,
        ),
        TargetResults(
            "support_requests", _("Support requests"), campaign.target_support_requests, support
        ),
        TargetResults(
            "donations",
            _("Donations (riyals)"),
            campaign.target_donations,
            results.donations_total,
            is_money=True,
        ),
        TargetResults(
            "opportunities",
            _("Opportunities"),
            campaign.target_opportunities,
            results.opportunities,
        ),
    ]


def placements_and_links(campaign_ids: list[int]) -> list[tuple[Placement, TrackedLink | None]]:
    """The campaigns' placements (by start, then id) with their tracked links, kept under
    PLACEMENTS_TOPIC until a placement or a link changes: two queries (a link hangs on its
    placement by a generic key, no join) read once per change, not on every evaluation."""

    def read() -> list[tuple[Placement, TrackedLink | None]]:
        placements = list(
            Placement.objects.filter(campaign_id__in=campaign_ids).order_by("starts_on", "id")
        )
        links = {
            link.owner_id: link
            for link in TrackedLink.objects.filter(
                owner_type__app_label=Placement._meta.app_label,
                owner_type__model=Placement._meta.model_name,
                owner_id__in=[placement.pk for placement in placements],
            ).order_by()
        }
        return [(placement, links.get(placement.pk)) for placement in placements]

    chosen = ",".join(str(pk) for pk in sorted(campaign_ids))
    return cached(PLACEMENTS_TOPIC, hashlib.sha256(chosen.encode()).hexdigest(), read)


def evaluate(campaigns: Iterable[Campaign]) -> dict[int, CampaignResults]:
    """{campaign id: its results} for the given campaigns (a queryset or a list), in a
    bounded number of queries: the placements and their links (from the cache while they
    do not change), one for the visits per link, one per registered outcome, and (when
    outcomes name customers) one for their opportunities and donations."""
    chosen = list(campaigns)
    results = {campaign.pk: CampaignResults(campaign=campaign) for campaign in chosen}
    if not results:
        return {}
    for item in results.values():
        item.window = attribution_window(item.campaign)

    by_link: dict[int, PlacementResults] = {}
    campaign_of_link: dict[int, int] = {}
    for placement, link in placements_and_links(list(results)):
        figures = PlacementResults(placement=placement, link=link)
        item = results[placement.campaign_id]
        item.placements.append(figures)
        item.spending += placement.cost
        if link is not None:
            by_link[link.pk] = figures
            campaign_of_link[link.pk] = placement.campaign_id

    # Visits per link from the per-day totals; the campaign's are the placements' sums.
    for link_id, counted in visit_figures(list(by_link)).items():
        by_link[link_id].visits = counted.visits
        by_link[link_id].unique_visitors = counted.unique_visitors
        item = results[campaign_of_link[link_id]]
        item.visits += counted.visits
        item.unique_visitors += counted.unique_visitors

    # Outcomes, and the customers they name with the time of their first outcome.
    outcomes = registered_outcomes()
    first_outcome: dict[tuple[int, int], datetime] = {}
    created: dict[int, datetime] = {}
    for item in results.values():
        item.outcomes = [OutcomeResults(outcome) for outcome in outcomes]
    for index, outcome in enumerate(outcomes):
        if not by_link:
            break
        rows = outcome.model._default_manager.filter(**{f"{outcome.field}__in": list(by_link)})
        names: list[str] = [outcome.field]
        extra: dict[str, Any] = {}
        if outcome.customer_field and outcome.at_field:
            names += [outcome.customer_field, f"{outcome.customer_field}__created_at"]
            extra["first_at"] = Min(outcome.at_field)
        for row in rows.values(*names).annotate(count=Count("pk"), **extra).order_by():
            link_id = row[outcome.field]
            campaign_id = campaign_of_link[link_id]
            by_link[link_id].outcomes += row["count"]
            results[campaign_id].outcomes[index].count += row["count"]
            customer_id = row.get(outcome.customer_field) if outcome.customer_field else None
            if customer_id is None:
                continue
            created[customer_id] = row[f"{outcome.customer_field}__created_at"]
            key = (campaign_id, customer_id)
            if key not in first_outcome or row["first_at"] < first_outcome[key]:
                first_outcome[key] = row["first_at"]
    customers_of: dict[int, set[int]] = defaultdict(set)
    for (campaign_id, customer_id), first_at in first_outcome.items():
        customers_of[campaign_id].add(customer_id)
        results[campaign_id].customers_reached += 1
        if created[customer_id] >= first_at:
            results[campaign_id].new_customers += 1

    _opportunities_and_donations(results, customers_of)
    support_measured = any(outcome.counts_towards == SUPPORT_REQUESTS for outcome in outcomes)
    for item in results.values():
        item.targets = _targets(item, support_measured)
    return results


def _opportunities_and_donations(
    results: dict[int, CampaignResults], customers_of: dict[int, set[int]]
) -> None:
    """Opportunities opened with, and donations received from, each campaign's customers
    within its window: one query for all the campaigns."""
    windows: dict[int, tuple[date, date]] = {}
    for campaign_id in customers_of:
        window = results[campaign_id].window
        if window is not None:
            windows[campaign_id] = window
    donors = {donor for campaign_id in windows for donor in customers_of[campaign_id]}
    if not donors:
        return
    earliest = min(start for start, _end in windows.values())
    latest = max(end for _start, end in windows.values())
    since = timezone.make_aware(datetime.combine(earliest, datetime.min.time()))
    until = timezone.make_aware(datetime.combine(latest + timedelta(days=1), datetime.min.time()))

    # One query for all three: (opportunity id, opened at, donor id) rows for potential and
    # pledging donors alike, then (donor id, day, sum, count) rows of the donations, the
    # columns the other kind has left NULL.
    # Typed NULLs: PostgreSQL will not match an untyped parameter with a date column.
    no_day = Cast(Value(None), DateField())
    no_amount = Cast(Value(None), DecimalField(max_digits=14, decimal_places=2))
    potential = (
        PotentialDonor.objects.filter(
            donor_id__in=donors,
            opportunity__created_at__gte=since,
            opportunity__created_at__lt=until,
        )
        .annotate(no_day=no_day, no_amount=no_amount, no_count=Value(0))
        .values_list(
            "opportunity_id",
            "opportunity__created_at",
            "donor_id",
            "no_day",
            "no_amount",
            "no_count",
        )
    )
    pledged = (
        Opportunity.objects.filter(
            pledge_donor_id__in=donors, created_at__gte=since, created_at__lt=until
        )
        .annotate(no_day=no_day, no_amount=no_amount, no_count=Value(0))
        .values_list("id", "created_at", "pledge_donor_id", "no_day", "no_amount", "no_count")
    )
    received = (
        Donation.objects.filter(
            donor_id__in=donors, received_on__gte=earliest, received_on__lte=latest
        )
        .values("donor_id", "received_on")
        .annotate(total=Sum("amount"), count=Count("id"))
        .annotate(
            no_opportunity=Cast(Value(None), BigIntegerField()),
            no_moment=Cast(Value(None), DateTimeField()),
        )
        .values_list("no_opportunity", "no_moment", "donor_id", "received_on", "total", "count")
    )
    opened: list[tuple[int, date, int]] = []
    donated: list[tuple[int, date, Decimal, int]] = []
    for opportunity_id, at, donor_id, received_on, total, count in potential.order_by().union(
        pledged.order_by(), received.order_by(), all=True
    ):
        if opportunity_id is None:
            donated.append((donor_id, received_on, total, count))
        else:
            opened.append((opportunity_id, _local_date(at), donor_id))
    for campaign_id, (start, end) in windows.items():
        mine = customers_of[campaign_id]
        item = results[campaign_id]
        item.opportunities = len(
            {oid for oid, on, donor in opened if donor in mine and start <= on <= end}
        )
        for donor_id, received_on, total, count in donated:
            if donor_id in mine and start <= received_on <= end:
                item.donations_count += count
                item.donations_total += total


@dataclass
class OutcomeRecords:
    """The latest records of one outcome attributed to the campaign, for a user who may
    see that kind of record."""

    label: Any
    count: int
    # (record, its staff page or "", when it happened or None), the latest first.
    records: list[tuple[Any, str, datetime | None]]


def outcome_records(
    results: CampaignResults, user: User | AnonymousUser, *, recent: int = 10
) -> list[OutcomeRecords]:
    """Each outcome the user may see: its count and its latest records (one query per
    outcome that has any)."""
    link_ids = [row.link.pk for row in results.placements if row.link is not None]
    shown = []
    for figures in results.outcomes:
        outcome = figures.outcome
        if not user.has_perm(outcome.permission):
            continue
        records: list[tuple[Any, str, datetime | None]] = []
        if figures.count and link_ids:
            rows = outcome.model._default_manager.filter(
                **{f"{outcome.field}__in": link_ids}
            ).order_by("-pk")[:recent]
            for record in rows:
                url = outcome.detail_url(record) if outcome.detail_url else ""
                at = getattr(record, outcome.at_field) if outcome.at_field else None
                records.append((record, url, at))
        shown.append(OutcomeRecords(label=outcome.label, count=figures.count, records=records))
    return shown
