"""The support requests' section of the monthly performance report (reports.sections): the
month's requests by channel, support type, centre and decision, the time from reception to
the committee's decision, and the support delivered per centre, in the PDF and as sheets of
its XLSX."""

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reports.documents.base import number, percent
from reports.sections import ReportSection, register_report_section

from . import statistics


def month_figures(start: datetime.datetime, end: datetime.datetime) -> dict[str, Any]:
    period = statistics.Period(
        timezone.localtime(start).date(),
        timezone.localtime(end - datetime.timedelta(microseconds=1)).date(),
    )
    data = statistics.figures(None, period)
    titles = statistics.dimension_titles()
    return {
        "data": data,
        "cards": [
            (_("Requests received"), number(data.total)),
            (_("Decided by the committee"), number(data.decided)),
            (_("Accepted"), number(data.accepted)),
            (_("Rejected"), number(data.rejected)),
            (_("Decided within the committee's deadline"), number(data.within_deadline)),
            (
                _("Days from reception to decision (median)"),
                number(data.median_days, 1) if data.median_days is not None else "—",
            ),
            (_("Deliveries"), number(data.delivered_count)),
        ],
        "dimensions": [
            {
                "title": titles[name],
                "rows": [
                    {
                        "label": row.label,
                        "count": number(row.count),
                        "share": percent(row.percentage),
                    }
                    for row in data.by.get(name, [])
                ],
            }
            for name in statistics.DIMENSIONS
        ],
        "deliveries": [
            {
                "centre": row.centre,
                "count": number(row.count),
                "amount": number(row.amount),
                "quantity": number(row.quantity),
            }
            for row in data.deliveries
        ],
    }


def write_month_sheets(workbook: Any, context: dict[str, Any]) -> None:
    # Each sheet's name begins with the section's, among the report's own sheets.
    statistics.write_sheets(
        workbook, context["data"], prefix=pgettext("report sheet", "Support - ")
    )


register_report_section(
    ReportSection(
        report_type="monthly_performance",
        key="support_requests",
        template="support/report/monthly_section.html",
        figures=month_figures,
        write_sheet=write_month_sheets,
    )
)
