"""The monthly performance report on complaints, inquiries and suggestions for the
sub-council secretary (manual 5.1.11-5.1.12, procedure "تقارير الأداء"): volumes by type,
channel, department, centre and category; times to the first answer and to closure; the
share answered within the deadline; overdue cases; the comparison with the previous month;
the recommendations raised this month and the follow-up of last month's.

The PDF is the prepared document: the manager's weak points and the secretary's decisions
are recorded on the report's page, not printed here. Figures from complaints.statistics;
the XLSX lists every case of the month, read as plain values in chunks and streamed to
disk, so memory does not grow with the number of cases."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints import exports as case_exports
from complaints import statistics
from complaints.models import OPEN_STATES, Case, CaseKind, CaseRoute, Recommendation
from core.numbers import EMPTY

from ..charts import bar_chart
from ..models import Report, ReportType, RunStatus
from ..sections import build_sections, write_sheets
from .base import (
    PDF_ROW_LIMIT,
    ReportDocument,
    RtlSheet,
    json_number,
    local_date,
    local_datetime,
    local_day,
    number,
    percent,
    period_bounds,
    signed,
    user_name,
    with_unit,
)

CHUNK_SIZE = 2000
CHART_ROWS = 12

COUNT, HOURS, PERCENT = "count", "hours", "percent"

# (summary key, label, kind): the key figures, in the order of the comparison table.
KEY_FIGURES = (
    ("total", gettext_lazy("Cases received"), COUNT),
    ("complaints", gettext_lazy("Complaints"), COUNT),
    ("inquiries", gettext_lazy("Inquiries"), COUNT),
    ("suggestions", gettext_lazy("Suggestions"), COUNT),
    ("first_answer_median_hours", gettext_lazy("Time to first answer, median (hours)"), HOURS),
    (
        "first_answer_p90_hours",
        gettext_lazy("Time to first answer, 90th percentile (hours)"),
        HOURS,
    ),
    ("closure_median_hours", gettext_lazy("Time to closure, median (hours)"), HOURS),
    ("closure_p90_hours", gettext_lazy("Time to closure, 90th percentile (hours)"), HOURS),
    ("within_deadline_percent", gettext_lazy("Answered within the deadline (%)"), PERCENT),
    ("overdue", gettext_lazy("Overdue cases"), COUNT),
    ("recommendations_raised", gettext_lazy("Recommendations raised"), COUNT),
)
KINDS = {
    CaseKind.COMPLAINT: "complaints",
    CaseKind.INQUIRY: "inquiries",
    CaseKind.SUGGESTION: "suggestions",
}
DIMENSION_TITLES = {
    "kind": gettext_lazy("By type"),
    "channel": gettext_lazy("By channel"),
    "routed_to": gettext_lazy("By department"),
    "centre": gettext_lazy("By neighbourhood centre"),
    "category": gettext_lazy("By category"),
}


def key_figures(*, kind_rows, times, deadline, overdue, recommendations):
    """The key figures of one month as a flat dict of numbers (None when there is no
    value, e.g. no case answered)."""
    counts = {row.key: row.count for row in kind_rows}
    figures = {
        "total": sum(counts.values()),
        **{name: counts.get(kind, 0) for kind, name in KINDS.items()},
        "first_answer_median_hours": times.first_answer.median_hours,
        "first_answer_p90_hours": times.first_answer.p90_hours,
        "closure_median_hours": times.closure.median_hours,
        "closure_p90_hours": times.closure.p90_hours,
        "within_deadline_percent": deadline.percentage,
        "overdue": overdue,
        "recommendations_raised": recommendations,
    }
    return {
        key: round(value, 1) if isinstance(value, float) else value
        for key, value in figures.items()
    }


def previous_key_figures(period):
    """The previous month's key figures: as last month's report printed them when it was
    produced (what the secretary read), otherwise computed from the register now. Returns
    (figures, from_report)."""
    start_day = timezone.localtime(period.start, timezone.get_default_timezone()).date()
    previous = (
        Report.objects.filter(
            report_type=ReportType.MONTHLY_PERFORMANCE,
            period_start=start_day,
            status=RunStatus.READY,
        )
        .values_list("summary", flat=True)
        .first()
    )
    if previous and "total" in previous:
        return {key: previous.get(key) for key, _label, _kind in KEY_FIGURES}, True
    overdue_at = min(period.end, timezone.now())
    figures = key_figures(
        kind_rows=statistics.volume_by(period, "kind"),
        times=statistics.answer_times(period),
        deadline=statistics.within_deadline_share(period),
        overdue=statistics.overdue_cases(overdue_at).count(),
        recommendations=Recommendation.objects.filter(
            raised_at__gte=period.start, raised_at__lt=period.end
        ).count(),
    )
    return figures, False


def _format(value, kind):
    if kind == PERCENT:
        return percent(value)
    if kind == HOURS:
        return number(value, 1)
    return number(value)


def _change(current, previous, kind):
    """The change from the previous month, as printed: +12 for counts, +1.5 for hours and
    percentage points; and the relative change (+5.0%) of counts and times."""
    if current is None or previous is None:
        return "—", "—"
    difference = current - previous
    relative = "—"
    if kind != PERCENT and previous:
        relative = f"{signed(difference * 100 / previous, 1)}%"
    return signed(difference, 0 if kind == COUNT else 1), relative


def hours_card(label, median, p90):
    """A card of hours (label, median, unit, note): an empty figure prints «—» alone."""
    median_text = number(median, 1)
    p90_text = number(p90, 1)
    if p90_text == EMPTY:
        note = _("90th percentile: %(value)s") % {"value": p90_text}
    else:
        note = _("90th percentile: %(value)s hours") % {"value": p90_text}
    return (label, median_text, with_unit(median_text, _("hours")), note)


def comparison_rows(current, previous):
    return [
        {
            "key": key,
            "label": str(label),
            "current": _format(current.get(key), kind),
            "previous": _format(previous.get(key), kind),
            "change": _change(current.get(key), previous.get(key), kind)[0],
            "relative_change": _change(current.get(key), previous.get(key), kind)[1],
            "current_value": current.get(key),
            "previous_value": previous.get(key),
        }
        for key, label, kind in KEY_FIGURES
    ]


def _volume_rows(rows):
    return [
        {
            "label": row.label,
            "count": row.count,
            "count_text": number(row.count),
            "share_text": percent(row.share * 100),
            "share": row.share,
        }
        for row in rows
    ]


def _recommendation_row(rec):
    return {
        "text": rec.text,
        "department": rec.get_department_display(),
        "owner": user_name(rec.owner),
        "due_date": local_date(rec.due_date),
        "due_day": rec.due_date,  # the XLSX's date cells
        "decision": rec.get_decision_display(),
        "decision_note": rec.decision_note,
        "implementation": rec.get_implementation_display(),
        "implementation_note": rec.implementation_note,
        "reasons": rec.investigation_reasons,
        "raised_at": local_date(rec.raised_at),
        "raised_day": local_day(rec.raised_at),
    }


class MonthlyPerformanceReport(ReportDocument):
    template = "reports/pdf/monthly_performance.html"
    summary_labels = {key: label for key, label, _kind in KEY_FIGURES} | {
        "follow_up_total": gettext_lazy("Last month's recommendations"),
        "follow_up_implemented": gettext_lazy("Last month's recommendations implemented"),
        "follow_up_not_implemented": gettext_lazy("Last month's recommendations not implemented"),
    }

    def figures(self, report):
        start, end = period_bounds(report)
        data = statistics.period_summary(start, end, overdue_limit=PDF_ROW_LIMIT, groups_limit=0)
        current = key_figures(
            kind_rows=data.volume["kind"],
            times=data.answer_times,
            deadline=data.within_deadline,
            overdue=data.overdue_count,
            recommendations=data.recommendations.total,
        )
        previous, previous_from_report = previous_key_figures(
            statistics.previous_period(data.period)
        )
        overdue_at = min(end, timezone.now())
        volumes = []
        for dimension in statistics.DIMENSIONS:
            rows = _volume_rows(data.volume[dimension])
            volumes.append(
                {
                    "dimension": dimension,
                    "title": str(DIMENSION_TITLES[dimension]),
                    "rows": rows[:PDF_ROW_LIMIT],
                    "more": max(len(rows) - PDF_ROW_LIMIT, 0),
                    "chart": bar_chart(
                        (row["label"], row["count"], row["count_text"]) for row in rows[:CHART_ROWS]
                    ),
                    "chart_more": max(len(rows) - CHART_ROWS, 0),
                }
            )
        times = data.answer_times
        deadline = data.within_deadline
        follow_up = data.follow_up
        return {
            "data": data,
            "current": current,
            "previous": previous,
            "previous_from_report": previous_from_report,
            "comparison": comparison_rows(current, previous),
            "volumes": volumes,
            "cards": [
                (
                    _("Cases received"),
                    number(current["total"]),
                    "",
                    _("Previous month: %(value)s") % {"value": number(previous.get("total"))},
                ),
                (_("Complaints"), number(current["complaints"]), "", ""),
                (_("Inquiries"), number(current["inquiries"]), "", ""),
                (_("Suggestions"), number(current["suggestions"]), "", ""),
                hours_card(
                    _("Time to first answer (median)"),
                    current["first_answer_median_hours"],
                    current["first_answer_p90_hours"],
                ),
                hours_card(
                    _("Time to closure (median)"),
                    current["closure_median_hours"],
                    current["closure_p90_hours"],
                ),
                (
                    _("Answered within the deadline"),
                    percent(current["within_deadline_percent"]),
                    "",
                    _("%(within)s of %(answered)s answered")
                    % {"within": number(deadline.within), "answered": number(deadline.answered)},
                ),
                (_("Overdue cases"), number(current["overdue"]), "", ""),
            ],
            "times": [
                {
                    "label": _("First answer"),
                    "count": number(times.first_answer.count),
                    "median": number(times.first_answer.median_hours, 1),
                    "p90": number(times.first_answer.p90_hours, 1),
                },
                {
                    "label": _("Closure"),
                    "count": number(times.closure.count),
                    "median": number(times.closure.median_hours, 1),
                    "p90": number(times.closure.p90_hours, 1),
                },
            ],
            "deadline": {
                "answered": number(deadline.answered),
                "within": number(deadline.within),
                "late": number(deadline.late),
                "share": percent(deadline.percentage),
            },
            "overdue_at": local_datetime(overdue_at),
            "overdue_rows": [
                {
                    "tracking_number": case.tracking_number,
                    "kind": case.get_kind_display(),
                    "department": case.get_routed_to_display(),
                    "centre": case.centre.display_name if case.centre else "",
                    "category": case.category.name if case.category else "",
                    "state": case.get_state_display(),
                    "due_at": local_datetime(case.due_at),
                    "days": number(max((overdue_at - case.due_at).days, 0)),
                    "assigned_to": user_name(case.assigned_to),
                }
                for case in data.overdue
            ],
            "overdue_more": max(data.overdue_count - len(data.overdue), 0),
            "raised_rows": [
                _recommendation_row(rec) for rec in data.recommendations.recommendations
            ],
            "follow_up_rows": [_recommendation_row(rec) for rec in follow_up.recommendations]
            if follow_up
            else [],
            "follow_up_counts": follow_up.by_implementation if follow_up else {},
            # The sections other apps add (reports.sections): support requests…
            "sections": build_sections(ReportType.MONTHLY_PERFORMANCE, start, end),
        }

    def summary(self, figures):
        summary = {
            key: json_number(value)
            for key, value in figures["current"].items()
            if value is not None
        }
        counts = figures["follow_up_counts"]
        summary["follow_up_total"] = len(figures["follow_up_rows"])
        summary["follow_up_implemented"] = counts.get("implemented", 0)
        summary["follow_up_not_implemented"] = counts.get("not_implemented", 0)
        return summary

    # --- XLSX -------------------------------------------------------------------------------

    def write_rows(self, report, workbook, figures):
        start, end = period_bounds(report)
        self._cases_sheet(workbook, start, end)
        self._figures_sheet(workbook, figures)
        self._volumes_sheet(workbook, figures)
        self._overdue_sheet(workbook, figures)
        self._recommendations_sheet(workbook, figures)
        write_sheets(workbook, figures["sections"])

    def _cases_sheet(self, workbook, start, end):
        """Every case received in the month: plain values fetched in chunks of 2,000 and
        streamed to disk (complaints.exports reads them the same way for the register)."""
        sheet = RtlSheet(workbook, _("Cases of the month"), case_exports.COLUMNS)
        cases = Case.objects.filter(received_at__gte=start, received_at__lt=end)
        for values in case_exports.case_rows(cases):
            sheet.append(values)

    def _figures_sheet(self, workbook, figures):
        sheet = RtlSheet(
            workbook,
            _("Key figures"),
            [
                (_("Figure"), 44),
                (_("This month"), 14),
                (_("Previous month"), 16),
                (_("Change"), 16),
            ],
        )
        for row in figures["comparison"]:
            current, previous = row["current_value"], row["previous_value"]
            change = None if current is None or previous is None else round(current - previous, 1)
            sheet.append([row["label"], current, previous, change])

    def _volumes_sheet(self, workbook, figures):
        sheet = RtlSheet(
            workbook,
            _("Cases by dimension"),
            [(_("Dimension"), 24), (_("Value"), 36), (_("Cases"), 12), (_("Share (%)"), 12)],
        )
        for volume in figures["volumes"]:
            for row in figures["data"].volume[volume["dimension"]]:
                sheet.append([volume["title"], row.label, row.count, round(row.share * 100, 1)])

    def _overdue_sheet(self, workbook, figures):
        data = figures["data"]
        overdue_at = min(data.period.end, timezone.now())
        kinds = {key: str(label) for key, label in CaseKind.choices}
        routes = {key: str(label) for key, label in CaseRoute.choices}
        sheet = RtlSheet(
            workbook,
            _("Overdue cases"),
            [
                (_("tracking number"), 14),
                (_("type"), 12),
                (_("department"), 26),
                (_("neighbourhood centre"), 22),
                (_("category"), 20),
                (_("subject"), 36),
                (_("due"), 18),
                (_("Days overdue"), 12),
                (_("assigned to"), 22),
            ],
        )
        rows = (
            Case.objects.filter(state__in=OPEN_STATES, due_at__lt=overdue_at)
            .order_by("due_at", "pk")
            .values_list(
                "tracking_number",
                "kind",
                "routed_to",
                "centre__name",
                "category__name",
                "subject",
                "due_at",
                "assigned_to__first_name",
                "assigned_to__last_name",
                "assigned_to__username",
            )
        )
        for row in rows.iterator(chunk_size=CHUNK_SIZE):
            tracking, kind, route, centre, category, subject, due_at, first, last, username = row
            sheet.append(
                [
                    tracking,
                    kinds.get(kind, kind),
                    routes.get(route, route),
                    centre or "",
                    category or "",
                    subject,
                    due_at,
                    max((overdue_at - due_at).days, 0),
                    f"{first or ''} {last or ''}".strip() or (username or ""),
                ]
            )

    def _recommendations_sheet(self, workbook, figures):
        sheet = RtlSheet(
            workbook,
            _("Recommendations"),
            [
                (_("List"), 22),
                (_("recommendation"), 50),
                (_("department"), 26),
                (_("owner"), 22),
                (_("raised at"), 14),
                (_("due date"), 14),
                (_("decision"), 16),
                (_("decision note"), 30),
                (_("implementation"), 16),
                (_("implementation note"), 30),
                (_("reasons found"), 40),
            ],
        )
        for list_name, rows in (
            (_("Raised this month"), figures["raised_rows"]),
            (_("Follow-up of last month's"), figures["follow_up_rows"]),
        ):
            for row in rows:
                sheet.append(
                    [
                        list_name,
                        row["text"],
                        row["department"],
                        row["owner"],
                        row["raised_day"],
                        row["due_day"],
                        row["decision"],
                        row["decision_note"],
                        row["implementation"],
                        row["implementation_note"],
                        row["reasons"],
                    ]
                )
