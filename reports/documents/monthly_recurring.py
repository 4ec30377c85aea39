"""The quality officer's monthly recurring-complaints report to the strategic planning
director (procedure "تقديم ومعالجة الشكاوي", step 7; manual 5.1.7-5.1.8): the recurring
groups of the month (complaints.recurring), their frequency month by month over the last
six months, the root causes written for each group, its proposed solutions with their
implementation plan, owner, due date and monitoring, and the recommendations linked to it.
The XLSX lists every group, every complaint in them and every proposed solution."""

import datetime
from collections import defaultdict

from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from complaints import recurring, selectors, statistics
from complaints import solutions as solution_selectors
from complaints.models import Case, CaseState, Recommendation, SolutionStatus

from ..charts import bar_chart, column_chart
from .base import (
    ReportDocument,
    RtlSheet,
    local_date,
    local_day,
    number,
    percent,
    period_bounds,
    user_name,
    yes_no,
)

CHUNK_SIZE = 2000
# The frequency table and the chart show the largest groups; the detail pages the largest
# of those. The XLSX has them all.
TABLE_GROUPS = 25
CHART_GROUPS = 12
DETAIL_GROUPS = 12

SUMMARY_KEYS = (
    ("groups", gettext_lazy("Recurring groups")),
    ("complaints_total", gettext_lazy("Complaints received")),
    ("complaints_in_groups", gettext_lazy("Complaints in recurring groups")),
    ("analysed_groups", gettext_lazy("Groups analysed")),
    ("solutions", gettext_lazy("Proposed solutions")),
    ("solutions_implemented", gettext_lazy("Solutions implemented")),
    ("solutions_overdue", gettext_lazy("Solutions overdue")),
    ("recommendations", gettext_lazy("Linked recommendations")),
    ("largest_group", gettext_lazy("Largest group")),
    ("largest_group_count", gettext_lazy("Complaints in the largest group")),
)


def _kind_label(group):
    if group.kind == recurring.BY_TEXT:
        return _("Similar wording")
    return _("Same category and centre")


def _group_label(group):
    """The label the quality officer gave the group, or the computed one (a review saved
    without a label carries the group's key)."""
    review = group.review
    if review is not None and review.label and review.label != group.key:
        return review.label
    return group.label


def _month_name(month):
    return formats.date_format(datetime.date(month.year, month.month, 1), "F Y")


_IMPLEMENTED = (SolutionStatus.IMPLEMENTED, SolutionStatus.EFFECTIVE)


def _solution_row(solution):
    """A proposed solution as printed: what, how, who, by when, and its monitoring."""
    latest = solution.monitoring_newest_first[0] if solution.monitoring_newest_first else None
    return {
        "text": solution.text,
        "plan": solution.implementation_plan,
        "owner": user_name(solution.owner),
        "due_date": local_date(solution.due_date) if solution.due_date else "",
        "status": solution.get_status_display(),
        "status_code": solution.status,
        "overdue": solution.is_overdue,
        "latest_note": latest.note if latest else "",
        "latest_note_at": local_date(latest.at) if latest else "",
        "notes": len(solution.monitoring_newest_first),
    }


def _solutions_by_group(groups):
    """{group key: [solution rows]} for the groups' reviews, in two queries."""
    reviews = [group.review for group in groups if group.review is not None]
    by_key = defaultdict(list)
    if reviews:
        for solution in solution_selectors.solutions_of_reviews(reviews):
            by_key[solution.review.group_key].append(_solution_row(solution))
    return by_key


def _grouped_complaints(complaints, groups):
    """The complaints of the period that fall in at least one of the groups."""
    condition = Q(pk__in=[])
    for group in groups:
        condition |= group.group_key.condition()
    return complaints.filter(condition)


class MonthlyRecurringReport(ReportDocument):
    template = "reports/pdf/monthly_recurring.html"
    summary_labels = dict(SUMMARY_KEYS)

    def figures(self, report):
        start, end = period_bounds(report)
        groups = statistics.recurring_groups((start, end))
        complaints = selectors.complaints_between(Case.objects.all(), start, end)
        complaints_total = complaints.count()
        in_groups = _grouped_complaints(complaints, groups).count() if groups else 0
        recommendations = defaultdict(list)
        linked = (
            Recommendation.objects.filter(group_key__in=[group.key for group in groups])
            .select_related("owner")
            .order_by("raised_at", "pk")
        )
        for rec in linked:
            recommendations[rec.group_key].append(rec)
        solutions_by_key = _solutions_by_group(groups)
        months = recurring.frequency_months(end)
        month_names = [_month_name(recurring.MonthCount(year, month)) for year, month in months]
        rows = []
        for group in groups:
            review = group.review
            rows.append(
                {
                    "group": group,
                    "key": group.key,
                    "label": _group_label(group),
                    "kind": _kind_label(group),
                    "count": group.count,
                    "count_text": number(group.count),
                    "first_at": local_date(group.first_at),
                    "last_at": local_date(group.last_at),
                    "first_day": local_day(group.first_at),  # the XLSX's date cells
                    "last_day": local_day(group.last_at),
                    "monthly": [number(month.count) for month in group.monthly],
                    "root_causes": review.root_causes if review else "",
                    "solutions": solutions_by_key.get(group.key, []),
                    "analysed": bool(
                        review and (review.root_causes.strip() or solutions_by_key.get(group.key))
                    ),
                    "recommendations": [
                        {
                            "text": rec.text,
                            "owner": user_name(rec.owner),
                            "due_date": local_date(rec.due_date),
                            "due_day": rec.due_date,
                            "decision": rec.get_decision_display(),
                            "implementation": rec.get_implementation_display(),
                        }
                        for rec in recommendations.get(group.key, [])
                    ],
                }
            )
        for row in rows[:DETAIL_GROUPS]:
            row["chart"] = column_chart(
                (month.label, month.count, number(month.count)) for month in row["group"].monthly
            )
        analysed = sum(1 for row in rows if row["analysed"])
        linked_count = sum(len(row["recommendations"]) for row in rows)
        all_solutions = [solution for row in rows for solution in row["solutions"]]
        solutions_implemented = sum(
            1 for solution in all_solutions if solution["status_code"] in _IMPLEMENTED
        )
        solutions_overdue = sum(1 for solution in all_solutions if solution["overdue"])
        share = in_groups * 100 / complaints_total if complaints_total else None
        return {
            "groups": groups,
            "rows": rows,
            "table_rows": rows[:TABLE_GROUPS],
            "table_more": max(len(rows) - TABLE_GROUPS, 0),
            "detail_rows": rows[:DETAIL_GROUPS],
            "detail_more": max(len(rows) - DETAIL_GROUPS, 0),
            "months": months,
            "month_names": month_names,
            "chart": bar_chart(
                (row["label"], row["count"], row["count_text"]) for row in rows[:CHART_GROUPS]
            ),
            "complaints_total": complaints_total,
            "complaints_in_groups": in_groups,
            "analysed": analysed,
            "linked_count": linked_count,
            "solutions_total": len(all_solutions),
            "solutions_implemented": solutions_implemented,
            "solutions_overdue": solutions_overdue,
            "cards": [
                (_("Recurring groups"), number(len(rows)), "", ""),
                (
                    _("Complaints in recurring groups"),
                    number(in_groups),
                    "",
                    ngettext(
                        "%(share)s of the %(total)s complaint of the month",
                        "%(share)s of the %(total)s complaints of the month",
                        complaints_total,
                    )
                    % {"share": percent(share), "total": number(complaints_total)},
                ),
                (
                    _("Groups analysed"),
                    number(analysed),
                    "",
                    _("Root causes or solutions written"),
                ),
                (
                    _("Solutions implemented"),
                    number(solutions_implemented),
                    "",
                    _("of %(total)s proposed; %(overdue)s overdue")
                    % {
                        "total": number(len(all_solutions)),
                        "overdue": number(solutions_overdue),
                    },
                ),
            ],
        }

    def summary(self, figures):
        rows = figures["rows"]
        return {
            "groups": len(rows),
            "complaints_total": figures["complaints_total"],
            "complaints_in_groups": figures["complaints_in_groups"],
            "analysed_groups": figures["analysed"],
            "solutions": figures["solutions_total"],
            "solutions_implemented": figures["solutions_implemented"],
            "solutions_overdue": figures["solutions_overdue"],
            "recommendations": figures["linked_count"],
            "largest_group": str(rows[0]["label"]) if rows else "",
            "largest_group_count": rows[0]["count"] if rows else 0,
        }

    # --- XLSX -------------------------------------------------------------------------------

    def write_rows(self, report, workbook, figures):
        start, end = period_bounds(report)
        self._groups_sheet(workbook, figures)
        self._cases_sheet(workbook, figures, start, end)
        self._recommendations_sheet(workbook, figures)
        self._solutions_sheet(workbook, figures)

    def _groups_sheet(self, workbook, figures):
        sheet = RtlSheet(
            workbook,
            _("Recurring groups"),
            [
                (_("Group"), 40),
                (_("Grouped by"), 20),
                (_("Complaints this month"), 12),
                (_("First"), 12),
                (_("Last"), 12),
                *[(name, 12) for name in figures["month_names"]],
                (_("root causes"), 44),
                (_("Proposed solutions"), 44),
                (_("Linked recommendations"), 12),
                (_("Group key"), 30),
            ],
        )
        for row in figures["rows"]:
            sheet.append(
                [
                    row["label"],
                    row["kind"],
                    row["count"],
                    row["first_day"],
                    row["last_day"],
                    *[month.count for month in row["group"].monthly],
                    row["root_causes"],
                    "\n".join(solution["text"] for solution in row["solutions"]),
                    len(row["recommendations"]),
                    row["key"],
                ]
            )

    def _cases_sheet(self, workbook, figures, start, end):
        """Every complaint of every group, group by group: two streamed passes over the
        month's complaints (by category and centre, then by wording), never one query per
        group nor the cases in memory."""
        sheet = RtlSheet(
            workbook,
            _("Complaints of the groups"),
            [
                (_("Group"), 36),
                (_("tracking number"), 14),
                (_("received at"), 18),
                (_("neighbourhood centre"), 22),
                (_("category"), 20),
                (_("subject"), 40),
                (_("status"), 14),
            ],
        )
        labels = {row["key"]: row["label"] for row in figures["rows"]}
        states = {key: str(label) for key, label in CaseState.choices}
        complaints = selectors.complaints_between(Case.objects.all(), start, end)
        fields = (
            "tracking_number",
            "received_at",
            "centre__name",
            "category__name",
            "subject",
            "state",
            "category_id",
            "centre_id",
            "subject_signature",
        )
        passes = (
            (
                complaints.filter(category__isnull=False).order_by(
                    "category_id", "centre_id", "received_at", "pk"
                ),
                lambda row: recurring.category_centre_key(row[6], row[7]),
            ),
            (
                complaints.exclude(subject_signature="").order_by(
                    "subject_signature", "received_at", "pk"
                ),
                lambda row: recurring.text_key(row[8]),
            ),
        )
        for queryset, key_of in passes:
            if not labels:
                break
            for row in queryset.values_list(*fields).iterator(chunk_size=CHUNK_SIZE):
                label = labels.get(key_of(row))
                if label is None:
                    continue
                sheet.append(
                    [label, row[0], row[1], row[2] or "", row[3] or "", row[4], states.get(row[5])]
                )

    def _recommendations_sheet(self, workbook, figures):
        sheet = RtlSheet(
            workbook,
            _("Recommendations"),
            [
                (_("Group"), 36),
                (_("recommendation"), 50),
                (_("owner"), 22),
                (_("due date"), 14),
                (_("decision"), 16),
                (_("implementation"), 16),
            ],
        )
        for row in figures["rows"]:
            for rec in row["recommendations"]:
                sheet.append(
                    [
                        row["label"],
                        rec["text"],
                        rec["owner"],
                        rec["due_day"],
                        rec["decision"],
                        rec["implementation"],
                    ]
                )

    def _solutions_sheet(self, workbook, figures):
        """Every proposed solution with its implementation plan and monitoring."""
        sheet = RtlSheet(
            workbook,
            _("Proposed solutions"),
            [
                (_("Group"), 36),
                (_("proposed solution"), 44),
                (_("implementation plan"), 50),
                (_("owner"), 22),
                (_("due date"), 14),
                (_("monitoring status"), 22),
                (_("Overdue"), 10),
                (_("Latest monitoring"), 14),
                (_("Latest monitoring note"), 44),
                (_("Monitoring notes"), 12),
            ],
        )
        for row in figures["rows"]:
            for solution in row["solutions"]:
                sheet.append(
                    [
                        row["label"],
                        solution["text"],
                        solution["plan"],
                        solution["owner"],
                        solution["due_date"],
                        solution["status"],
                        yes_no(solution["overdue"]),
                        solution["latest_note_at"],
                        solution["latest_note"],
                        solution["notes"],
                    ]
                )
