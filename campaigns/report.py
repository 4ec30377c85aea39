"""The quarterly campaigns report to association management (issue 14, manual 3.1.9): the
campaigns active in the quarter with their plan, state, dates, budget and spending, their
placements, visits, unique visitors and attributed outcomes, their targets against their
results and the cost per result; the totals and the annual plan's budget. Produced, reviewed
and archived by the reports machinery: this app registers the report kind
(CampaignsConfig.ready, reports.kinds) and reports never imports it.

A campaign is active in the quarter when it is not cancelled and its planned dates, or one
of its placements' dates, fall at least partly in the quarter. Its results are those of
campaigns.evaluation since its launch, as they stand when the report is produced."""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from core.dates import format_compact_date, format_compact_period
from reports.documents.base import (
    PDF_ROW_LIMIT,
    ReportDocument,
    RtlSheet,
    json_number,
    money,
    number,
    percent,
    with_unit,
)
from reports.models import Report

from .evaluation import CampaignResults, evaluate
from .models import Campaign, CampaignState, MarketingPlan, Placement

SUMMARY_KEYS = (
    ("campaigns", gettext_lazy("Campaigns active in the quarter")),
    ("budget", gettext_lazy("Their budget (SAR)")),
    ("spending", gettext_lazy("Their spending (SAR)")),
    ("placements", gettext_lazy("Placements")),
    ("visits", gettext_lazy("Visits")),
    ("unique_visitors", gettext_lazy("Unique visitors")),
    ("outcomes", gettext_lazy("Attributed outcomes")),
    ("new_customers", gettext_lazy("New customers")),
)


def campaigns_of_quarter(start: datetime.date, end: datetime.date) -> QuerySet[Campaign]:
    """The campaigns active between `start` and `end` (both included), oldest first, with
    their plan and their number of placements."""
    overlapping = Q(starts_on__lte=end, ends_on__gte=start) | Q(
        pk__in=Placement.objects.filter(starts_on__lte=end, ends_on__gte=start).values("campaign")
    )
    return (
        Campaign.objects.filter(overlapping)
        .exclude(state=CampaignState.CANCELLED)
        .select_related("plan")
        .annotate(placement_count=Count("placements"))
        .order_by("starts_on", "pk")
    )


def _cost(value: Decimal | None) -> str:
    return money(value)


def _campaign_row(campaign: Campaign, results: CampaignResults) -> dict[str, Any]:
    return {
        "title": campaign.title,
        "plan": campaign.plan.title if campaign.plan_id else _("Outside the plan"),
        "state": campaign.get_state_display(),
        "dates": format_compact_period(campaign.starts_on, campaign.ends_on),
        "launched_on": format_compact_date(campaign.launched_on) or "—",
        "budget": money(campaign.budget),
        "spending": money(results.spending),
        "spent_percent": percent(results.spent_percent, 0),
        "placements": number(getattr(campaign, "placement_count", len(results.placements))),
        "visits": number(results.visits),
        "unique_visitors": number(results.unique_visitors),
        "outcomes": number(results.outcomes_total),
        "new_customers": number(results.new_customers),
        "opportunities": number(results.opportunities),
        "donations": money(results.donations_total),
        "cost_per_visit": _cost(results.cost_per_visit),
        "cost_per_outcome": _cost(results.cost_per_outcome),
        "targets": [
            {
                "label": str(target.label),
                "target": (money if target.is_money else number)(target.target),
                "result": (money if target.is_money else number)(target.result),
                "percent": percent(target.percent, 0),
                "bar": target.bar,
            }
            for target in results.targets
            if target.has_target
        ],
    }


def _per(amount: Decimal, count: int) -> Decimal | None:
    return (amount / count).quantize(Decimal("0.01")) if count else None


class QuarterlyCampaignsReport(ReportDocument):
    template = "campaigns/pdf/quarterly_report.html"
    summary_labels = dict(SUMMARY_KEYS)

    def figures(self, report: Report) -> dict[str, Any]:
        campaigns = list(campaigns_of_quarter(report.period_start, report.period_end))
        results = evaluate(campaigns)
        every = list(results.values())
        spending = sum((r.spending for r in every), Decimal(0))
        visits = sum(r.visits for r in every)
        outcomes = sum(r.outcomes_total for r in every)
        totals: dict[str, Any] = {
            "campaigns": len(campaigns),
            "budget": sum((c.budget for c in campaigns), Decimal(0)),
            "spending": spending,
            "placements": sum(len(r.placements) for r in every),
            "visits": visits,
            "unique_visitors": sum(r.unique_visitors for r in every),
            "outcomes": outcomes,
            "new_customers": sum(r.new_customers for r in every),
            "opportunities": sum(r.opportunities for r in every),
            "donations": sum((r.donations_total for r in every), Decimal(0)),
        }
        rows = [_campaign_row(campaign, results[campaign.pk]) for campaign in campaigns]
        cost_per_visit = _per(spending, visits)
        cost_per_outcome = _per(spending, outcomes)
        budget_text, spending_text = money(totals["budget"]), money(totals["spending"])
        cost_text = money(cost_per_outcome)
        return {
            "campaigns": campaigns,
            "results": results,
            "totals": totals,
            "rows": rows[:PDF_ROW_LIMIT],
            "rows_more": max(len(rows) - PDF_ROW_LIMIT, 0),
            "totals_text": {
                "budget": budget_text,
                "spending": spending_text,
                "placements": number(totals["placements"]),
                "visits": number(totals["visits"]),
                "unique_visitors": number(totals["unique_visitors"]),
                "outcomes": number(totals["outcomes"]),
                "new_customers": number(totals["new_customers"]),
                "opportunities": number(totals["opportunities"]),
                "donations": money(totals["donations"]),
                "cost_per_visit": money(cost_per_visit),
                "cost_per_outcome": cost_text,
            },
            "plans": self._plans(report),
            "cards": [
                (_("Campaigns active in the quarter"), number(totals["campaigns"]), ""),
                (_("Budget"), budget_text, with_unit(budget_text, _("SAR"))),
                (_("Spending"), spending_text, with_unit(spending_text, _("SAR"))),
                (_("Placements"), number(totals["placements"]), ""),
                (_("Visits"), number(totals["visits"]), ""),
                (_("Unique visitors"), number(totals["unique_visitors"]), ""),
                (_("Attributed outcomes"), number(totals["outcomes"]), ""),
                (_("Cost per outcome"), cost_text, with_unit(cost_text, _("SAR"))),
            ],
        }

    def _plans(self, report: Report) -> list[dict[str, Any]]:
        """The annual plans of the quarter's year: their state, the budget of their
        campaigns (the plan's estimated total) and what the placements cost so far."""
        live = ~Q(campaigns__state=CampaignState.CANCELLED)
        plans = (
            MarketingPlan.objects.filter(year=report.period_start.year)
            .annotate(
                campaign_count=Count("campaigns", filter=live),
                budget=Sum("campaigns__budget", filter=live),
            )
            .order_by("year")
        )
        spending = dict(
            Placement.objects.filter(campaign__plan__in=plans)
            .exclude(campaign__state=CampaignState.CANCELLED)
            .values("campaign__plan")
            .annotate(total=Sum("cost"))
            .values_list("campaign__plan", "total")
            .order_by()
        )
        rows = []
        for plan in plans:
            budget = plan.budget or Decimal(0)
            spent = spending.get(plan.pk) or Decimal(0)
            rows.append(
                {
                    "title": plan.title,
                    "year": plan.year,
                    "state": plan.get_state_display(),
                    "campaigns": number(plan.campaign_count),
                    "budget": money(budget),
                    "spending": money(spent),
                    "remaining": money(budget - spent),
                }
            )
        return rows

    def summary(self, figures: dict[str, Any]) -> dict[str, Any]:
        totals = figures["totals"]
        return {key: json_number(totals[key]) for key, _label in SUMMARY_KEYS}

    # --- XLSX -------------------------------------------------------------------------------

    def write_rows(self, report: Report, workbook: Workbook, figures: dict[str, Any]) -> None:
        self._campaigns_sheet(workbook, figures)
        self._placements_sheet(workbook, figures)
        self._targets_sheet(workbook, figures)

    def _campaigns_sheet(self, workbook: Workbook, figures: dict[str, Any]) -> None:
        sheet = RtlSheet(
            workbook,
            _("Campaigns"),
            [
                (_("Number"), 9),
                (_("campaign"), 34),
                (_("annual plan"), 26),
                (_("status"), 20),
                (_("planned start"), 14),
                (_("planned end"), 14),
                (_("launch date"), 14),
                (_("Budget (SAR)"), 16),
                (_("Spending (SAR)"), 16),
                (_("Placements"), 12),
                (_("Visits"), 12),
                (_("Unique visitors"), 14),
                (_("Attributed outcomes"), 14),
                (_("New customers"), 14),
                (_("Opportunities"), 14),
                (_("Donations (SAR)"), 16),
                (_("Cost per visit (SAR)"), 16),
                (_("Cost per outcome (SAR)"), 16),
            ],
        )
        for campaign in figures["campaigns"]:
            results = figures["results"][campaign.pk]
            sheet.append(
                [
                    campaign.pk,
                    campaign.title,
                    campaign.plan.title if campaign.plan_id else _("Outside the plan"),
                    campaign.get_state_display(),
                    campaign.starts_on,
                    campaign.ends_on,
                    campaign.launched_on,
                    campaign.budget,
                    results.spending,
                    len(results.placements),
                    results.visits,
                    results.unique_visitors,
                    results.outcomes_total,
                    results.new_customers,
                    results.opportunities,
                    results.donations_total,
                    results.cost_per_visit,
                    results.cost_per_outcome,
                ]
            )
        totals = figures["totals"]
        sheet.append([])
        sheet.append(
            [
                "",
                _("Total"),
                "",
                "",
                None,
                None,
                None,
                totals["budget"],
                totals["spending"],
                totals["placements"],
                totals["visits"],
                totals["unique_visitors"],
                totals["outcomes"],
                totals["new_customers"],
                totals["opportunities"],
                totals["donations"],
            ],
            bold=True,
        )

    def _placements_sheet(self, workbook: Workbook, figures: dict[str, Any]) -> None:
        sheet = RtlSheet(
            workbook,
            _("Placements"),
            [
                (_("campaign"), 34),
                (_("channel"), 18),
                (_("medium or location"), 30),
                (_("from"), 14),
                (_("to"), 14),
                (_("Cost (SAR)"), 14),
                (_("short link"), 30),
                (_("Visits"), 12),
                (_("Unique visitors"), 14),
                (_("Attributed outcomes"), 14),
                (_("Cost per visit (SAR)"), 16),
            ],
        )
        for campaign in figures["campaigns"]:
            for item in figures["results"][campaign.pk].placements:
                placement = item.placement
                sheet.append(
                    [
                        campaign.title,
                        placement.get_channel_display(),
                        placement.location,
                        placement.starts_on,
                        placement.ends_on,
                        placement.cost,
                        item.link.short_url if item.link else "",
                        item.visits,
                        item.unique_visitors,
                        item.outcomes,
                        item.cost_per_visit,
                    ]
                )

    def _targets_sheet(self, workbook: Workbook, figures: dict[str, Any]) -> None:
        sheet = RtlSheet(
            workbook,
            _("Targets and results"),
            [
                (_("campaign"), 34),
                (_("target"), 26),
                (_("Target value"), 14),
                (_("Result"), 14),
                (_("Reached (%)"), 12),
            ],
        )
        for campaign in figures["campaigns"]:
            for target in figures["results"][campaign.pk].targets:
                if not target.has_target:
                    continue
                sheet.append(
                    [campaign.title, target.label, target.target, target.result, target.percent]
                )
