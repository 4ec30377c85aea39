"""The weekly opportunity report for the CRM manager (manual 3.1.15; "خلق الفرص" step 5):
the pipeline by state, the week's movements, the stale opportunities with their owners and
the pledges not yet received. Figures from opportunities.reports; the PDF lists the first
rows of the long tables, the XLSX every row."""

from collections import Counter
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opportunities.models import (
    OPEN_STATES,
    DonorContact,
    Opportunity,
    OpportunityState,
    OpportunityTransition,
    ProbabilityChange,
)
from opportunities.reports import week_bounds, weekly_opportunity_figures

from ..charts import bar_chart
from .base import (
    PDF_ROW_LIMIT,
    ReportDocument,
    RtlSheet,
    json_number,
    local_date,
    money,
    number,
    user_name,
    with_unit,
)

CHUNK_SIZE = 2000

SUMMARY_KEYS = (
    ("opened", gettext_lazy("Opened this week")),
    ("closed", gettext_lazy("Pledges signed this week")),
    ("successful", gettext_lazy("Successful this week")),
    ("cancelled", gettext_lazy("Cancelled this week")),
    ("open", gettext_lazy("Open opportunities")),
    ("pipeline_total", gettext_lazy("Pipeline value (SAR)")),
    ("weighted_pipeline", gettext_lazy("Weighted pipeline (SAR)")),
    ("stale", gettext_lazy("Stale opportunities")),
    ("pledges_not_received", gettext_lazy("Pledges not fully received")),
    ("outstanding_total", gettext_lazy("Outstanding pledged amounts (SAR)")),
)


def _days_since(moment, now):
    return (now - moment).days if moment else None


def _money_and_unit(value):
    """An amount and its unit for a card: an empty amount prints «—» alone."""
    text = money(value)
    return text, with_unit(text, _("SAR"))


class WeeklyOpportunityReport(ReportDocument):
    template = "reports/pdf/weekly_opportunities.html"
    summary_labels = {
        **dict(SUMMARY_KEYS),
        **{f"state_{key}": label for key, label in OpportunityState.choices},
    }

    def figures(self, report):
        data = weekly_opportunity_figures(report.period_start)
        now = timezone.now()
        values = dict.fromkeys(OpportunityState.values, Decimal("0"))
        values.update(
            Opportunity.objects.order_by()
            .values("state")
            .annotate(total=Sum("expected_amount"))
            .values_list("state", "total")
        )
        labels = dict(OpportunityState.choices)
        states = [
            {
                "key": state,
                "label": str(labels[state]),
                "count": data["state_counts"].get(state, 0),
                "value": values.get(state) or Decimal("0"),
                "is_open": state in OPEN_STATES,
            }
            for state in OpportunityState.values
        ]
        for row in states:
            row["count_text"] = number(row["count"])
            row["value_text"] = money(row["value"])
        stale = data["stale"]
        owners = Counter(opportunity.owner_id for opportunity in stale)
        owner_names = {opportunity.owner_id: user_name(opportunity.owner) for opportunity in stale}
        stale_owners = [
            {"name": owner_names[owner_id], "count": count, "count_text": number(count)}
            for owner_id, count in sorted(
                owners.items(), key=lambda item: (-item[1], owner_names[item[0]])
            )
        ]
        pledges = data["pledges_not_received"]
        outstanding_total = sum((p.outstanding_amount for p in pledges), Decimal("0"))
        open_count = sum(row["count"] for row in states if row["is_open"])
        return {
            **data,
            "now": now,
            "states": states,
            "open_count": open_count,
            "count_chart": bar_chart(
                (row["label"], row["count"], row["count_text"]) for row in states
            ),
            "value_chart": bar_chart(
                (row["label"], row["value"], row["value_text"]) for row in states
            ),
            "stale_rows": [
                {
                    "title": opportunity.title,
                    "programme": opportunity.programme.name,
                    "owner": user_name(opportunity.owner),
                    "state": opportunity.get_state_display(),
                    "last_activity": local_date(opportunity.last_activity_at),
                    "days": number(_days_since(opportunity.last_activity_at, now)),
                    "amount": money(opportunity.expected_amount),
                }
                for opportunity in stale[:PDF_ROW_LIMIT]
            ],
            "stale_count": len(stale),
            "stale_more": max(len(stale) - PDF_ROW_LIMIT, 0),
            "stale_owners": stale_owners[:PDF_ROW_LIMIT],
            "pledge_rows": [
                {
                    "donor": opportunity.pledge_donor.name if opportunity.pledge_donor else "",
                    "programme": opportunity.programme.name,
                    "owner": user_name(opportunity.owner),
                    "pledge_date": local_date(opportunity.pledge_date),
                    "pledged": money(opportunity.pledged_amount),
                    "received": money(opportunity.received_amount),
                    "outstanding": money(opportunity.outstanding_amount),
                }
                for opportunity in pledges[:PDF_ROW_LIMIT]
            ],
            "pledges_count": len(pledges),
            "pledges_more": max(len(pledges) - PDF_ROW_LIMIT, 0),
            "outstanding_total": outstanding_total,
            "outstanding_total_text": money(outstanding_total),
            "cards": [
                (_("Opened this week"), number(data["opened"]), ""),
                (_("Pledges signed this week"), number(data["closed"]), ""),
                (_("Successful this week"), number(data["successful"]), ""),
                (_("Cancelled this week"), number(data["cancelled"]), ""),
                (_("Open opportunities"), number(open_count), ""),
                (_("Pipeline value"), *_money_and_unit(data["pipeline_total"])),
                (_("Weighted pipeline"), *_money_and_unit(data["weighted_pipeline"])),
                (_("Stale opportunities"), number(len(stale)), ""),
            ],
        }

    def summary(self, figures):
        values = {
            "opened": figures["opened"],
            "closed": figures["closed"],
            "successful": figures["successful"],
            "cancelled": figures["cancelled"],
            "open": figures["open_count"],
            "pipeline_total": figures["pipeline_total"],
            "weighted_pipeline": figures["weighted_pipeline"],
            "stale": len(figures["stale"]),
            "pledges_not_received": len(figures["pledges_not_received"]),
            "outstanding_total": figures["outstanding_total"].quantize(Decimal("0.01")),
        }
        for row in figures["states"]:
            values[f"state_{row['key']}"] = row["count"]
        return {key: json_number(value) for key, value in values.items()}

    # --- XLSX -------------------------------------------------------------------------------

    def write_rows(self, report, workbook, figures):
        self._states_sheet(workbook, figures)
        self._opportunities_sheet(workbook, report, figures["now"])
        self._stale_sheet(workbook, figures)
        self._pledges_sheet(workbook, figures)

    def _states_sheet(self, workbook, figures):
        sheet = RtlSheet(
            workbook,
            _("Pipeline"),
            [(_("status"), 18), (_("Opportunities"), 14), (_("Expected amount (SAR)"), 20)],
        )
        for row in figures["states"]:
            sheet.append([row["label"], row["count"], row["value"]])
        sheet.append([])
        for label, key in (
            (_("Opened this week"), "opened"),
            (_("Pledges signed this week"), "closed"),
            (_("Successful this week"), "successful"),
            (_("Cancelled this week"), "cancelled"),
            (_("Pipeline value (SAR)"), "pipeline_total"),
            (_("Weighted pipeline (SAR)"), "weighted_pipeline"),
        ):
            sheet.append([label, figures[key]])

    def _opportunities_sheet(self, workbook, report, now):
        """The week's opportunities: those opened, worked on (a contact, a probability
        review, a move) or closed during the week; the open ones left untouched are in the
        stale sheet. Read as plain values in chunks."""
        start, end = week_bounds(report.period_start)
        in_week = {"at__gte": start, "at__lt": end}
        queryset = (
            Opportunity.objects.filter(
                Q(created_at__gte=start, created_at__lt=end)
                | Q(last_activity_at__gte=start, last_activity_at__lt=end)
                | Q(pk__in=OpportunityTransition.objects.filter(**in_week).values("opportunity"))
                | Q(pk__in=ProbabilityChange.objects.filter(**in_week).values("opportunity"))
                | Q(
                    pk__in=DonorContact.objects.filter(
                        created_at__gte=start, created_at__lt=end
                    ).values("opportunity")
                )
            )
            .order_by("state", "-last_activity_at", "pk")
            .values_list(
                "pk",
                "title",
                "state",
                "programme__name",
                "owner__first_name",
                "owner__last_name",
                "owner__username",
                "expected_amount",
                "probability",
                "created_at",
                "last_activity_at",
                "pledged_amount",
            )
        )
        labels = {key: str(label) for key, label in OpportunityState.choices}
        sheet = RtlSheet(
            workbook,
            _("Opportunities of the week"),
            [
                (_("Number"), 9),
                (_("title"), 36),
                (_("status"), 14),
                (_("programme or activity"), 30),
                (_("owner"), 22),
                (_("Expected amount (SAR)"), 18),
                (_("success probability (%)"), 12),
                (_("Weighted amount (SAR)"), 18),
                (_("created at"), 18),
                (_("last activity"), 18),
                (_("pledged amount (SAR)"), 18),
            ],
        )
        hundred, cents = Decimal(100), Decimal("0.01")
        for row in queryset.iterator(chunk_size=CHUNK_SIZE):
            pk, title, state, programme, first, last, username, amount, probability = row[:9]
            created_at, last_activity_at, pledged = row[9:]
            sheet.append(
                [
                    pk,
                    title,
                    labels.get(state, state),
                    programme,
                    f"{first} {last}".strip() or username,
                    amount,
                    probability,
                    (amount * probability / hundred).quantize(cents),
                    created_at,
                    last_activity_at,
                    pledged,
                ]
            )

    def _stale_sheet(self, workbook, figures):
        now = figures["now"]
        labels = {key: str(label) for key, label in OpportunityState.choices}
        sheet = RtlSheet(
            workbook,
            _("Stale opportunities"),
            [
                (_("Number"), 9),
                (_("title"), 36),
                (_("status"), 14),
                (_("programme or activity"), 30),
                (_("owner"), 22),
                (_("Expected amount (SAR)"), 18),
                (_("last activity"), 18),
                (_("Days without update"), 12),
            ],
        )
        for opportunity in figures["stale"]:
            sheet.append(
                [
                    opportunity.pk,
                    opportunity.title,
                    labels.get(opportunity.state, opportunity.state),
                    opportunity.programme.name,
                    user_name(opportunity.owner),
                    opportunity.expected_amount,
                    opportunity.last_activity_at,
                    _days_since(opportunity.last_activity_at, now),
                ]
            )

    def _pledges_sheet(self, workbook, figures):
        sheet = RtlSheet(
            workbook,
            _("Pledges not received"),
            [
                (_("Number"), 9),
                (_("title"), 32),
                (_("pledging donor"), 28),
                (_("programme or activity"), 28),
                (_("owner"), 22),
                (_("pledge date"), 14),
                (_("Pledged (SAR)"), 16),
                (_("Received (SAR)"), 16),
                (_("Outstanding (SAR)"), 16),
            ],
        )
        for opportunity in figures["pledges_not_received"]:
            sheet.append(
                [
                    opportunity.pk,
                    opportunity.title,
                    opportunity.pledge_donor.name if opportunity.pledge_donor else "",
                    opportunity.programme.name,
                    user_name(opportunity.owner),
                    opportunity.pledge_date,
                    opportunity.pledged_amount,
                    opportunity.received_amount,
                    opportunity.outstanding_amount,
                ]
            )
