"""The support requests' figures: requests by channel, support type, centre and decision;
the time from reception to the committee's decision; the support delivered per month and
centre. A fixed number of grouped queries whatever the rows, read from the replica when one
is configured (core.replica); the staff's statistics page and its XLSX export read them."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from association.models import Centre
from association.selectors import centres_by_pk
from core.choices import ContactChannel
from core.replica import reading_replica

from .models import Delivery, RequestState, SupportRequest, SupportType
from .selectors import requests_visible_to, staff_centre_ids

DECISION_STATES = {
    RequestState.ACCEPTED,
    RequestState.REGISTERED,
    RequestState.IN_SERVICE,
}


@dataclass
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone)
        end = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        return start, end


def default_period(today: datetime.date | None = None) -> Period:
    """The last twelve months, to today."""
    today = today or timezone.localdate()
    start = today.replace(day=1)
    month = start.month - 11
    year = start.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return Period(start.replace(year=year, month=month), today)


@dataclass
class Row:
    label: str
    count: int
    share: float = 0.0  # 0..1 (the XLSX's "0.0%")

    @property
    def percentage(self) -> float:
        return self.share * 100


@dataclass
class DeliveryRow:
    month: datetime.date
    centre: str
    count: int
    amount: Decimal
    quantity: int

    @property
    def month_label(self) -> str:
        """«ديسمبر 2026» in Arabic (the month, not a day of it)."""
        return date_format(self.month, "YEAR_MONTH_FORMAT")


@dataclass
class Figures:
    period: Period
    total: int = 0
    by: dict[str, list[Row]] = field(default_factory=dict)
    decided: int = 0
    accepted: int = 0
    rejected: int = 0
    average_days: float | None = None
    median_days: float | None = None
    within_deadline: int = 0
    deliveries: list[DeliveryRow] = field(default_factory=list)
    delivered_count: int = 0
    delivered_amount: Decimal = Decimal(0)
    delivered_quantity: int = 0


DIMENSIONS = ("channel", "support_type", "centre", "decision")


class Median(Aggregate):
    """PostgreSQL's median of an interval column."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _rows(counts: dict[str, int], total: int) -> list[Row]:
    rows = [Row(label, count, count / total if total else 0.0) for label, count in counts.items()]
    return sorted(rows, key=lambda row: (-row.count, row.label))


def _scoped_deliveries(user: User | None) -> QuerySet[Delivery]:
    deliveries = Delivery.objects.all()
    if user is None or user.has_perm("support.view_all_requests"):
        return deliveries
    return deliveries.filter(centre_id__in=staff_centre_ids(user))


@reading_replica()
def figures(user: User | None, period: Period, *, centre: Centre | None = None) -> Figures:
    """Every figure of the page, in five grouped queries: what `user` sees, or every request
    and delivery when None (the monthly performance report's section)."""
    start, end = period.bounds
    visible = SupportRequest.objects.all() if user is None else requests_visible_to(user)
    requests = visible.filter(received_at__gte=start, received_at__lt=end)
    deliveries = _scoped_deliveries(user).filter(
        delivered_on__gte=period.start, delivered_on__lte=period.end
    )
    if centre is not None:
        requests = requests.filter(centre=centre)
        deliveries = deliveries.filter(centre=centre)
    result = Figures(period)
    centres = centres_by_pk()
    types = dict(SupportType.objects.values_list("pk", "name"))
    channel_labels = dict(ContactChannel.choices)
    state_labels = dict(RequestState.choices)
    grouped = (
        requests.order_by()
        .values("channel", "support_type_id", "centre_id", "state")
        .annotate(n=Count("id"))
    )
    counts: dict[str, dict[str, int]] = {name: {} for name in DIMENSIONS}
    for row in grouped:
        result.total += row["n"]
        keys = {
            "channel": str(channel_labels.get(row["channel"], row["channel"])),
            "support_type": types.get(row["support_type_id"], "—"),
            "centre": centres[row["centre_id"]].name
            if row["centre_id"] in centres
            else _("No centre"),
            "decision": str(state_labels.get(row["state"], row["state"])),
        }
        for name, key in keys.items():
            counts[name][key] = counts[name].get(key, 0) + row["n"]
    result.by = {name: _rows(counts[name], result.total) for name in DIMENSIONS}

    # From reception to the committee's decision (the latest decision: an appeal's counts).
    decided = requests.filter(decided_at__isnull=False)
    duration = ExpressionWrapper(F("decided_at") - F("received_at"), output_field=DurationField())
    summary = decided.aggregate(
        n=Count("id"),
        accepted=Count("id", filter=Q(rejection_reason__isnull=True)),
        within=Count("id", filter=Q(decided_at__date__lte=F("committee_due_on"))),
    )
    result.decided = summary["n"] or 0
    result.accepted = summary["accepted"] or 0
    result.rejected = result.decided - result.accepted
    result.within_deadline = summary["within"] or 0
    if connection.vendor == "postgresql":
        # The average and the median in the database (PERCENTILE_CONT over the intervals).
        spans = decided.annotate(taken=duration).aggregate(
            average=Avg("taken"), median=Median("taken")
        )
        if spans["average"] is not None:
            result.average_days = spans["average"].total_seconds() / 86400
            result.median_days = spans["median"].total_seconds() / 86400
    else:
        days = sorted(
            value.total_seconds() / 86400
            for value in decided.annotate(taken=duration).values_list("taken", flat=True)
            if value is not None
        )
        if days:
            result.average_days = sum(days) / len(days)
            middle = len(days) // 2
            result.median_days = (
                days[middle] if len(days) % 2 else (days[middle - 1] + days[middle]) / 2
            )

    # Support delivered per month and centre.
    for row in (
        deliveries.order_by()
        .annotate(month=TruncMonth("delivered_on"))
        .values("month", "centre_id")
        .annotate(n=Count("id"), amount=Sum("amount"), quantity=Sum("quantity"))
        .order_by("month", "centre_id")
    ):
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        centre_name = (
            centres[row["centre_id"]].name if row["centre_id"] in centres else _("No centre")
        )
        result.deliveries.append(
            DeliveryRow(
                month, centre_name, row["n"], row["amount"] or Decimal(0), row["quantity"] or 0
            )
        )
        result.delivered_count += row["n"]
        result.delivered_amount += row["amount"] or Decimal(0)
        result.delivered_quantity += row["quantity"] or 0
    return result


def dimension_titles() -> dict[str, Any]:
    return {
        "channel": _("By channel"),
        "support_type": _("By support type"),
        "centre": _("By neighbourhood centre"),
        "decision": _("By status and decision"),
    }


def workbook(data: Figures) -> bytes:
    """The figures as an XLSX (core.xlsx: right to left, real numbers and dates)."""
    import io

    from core.xlsx import new_workbook

    book = new_workbook()
    write_sheets(book, data)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_sheets(book: Any, data: Figures, *, prefix: str = "") -> None:
    """The figures' sheets in a workbook: this page's export, or the monthly performance
    report's (each sheet's name then begins with `prefix`)."""
    from core.xlsx import RtlSheet

    # The page's export titles each sheet; the report's sheets start with their header row,
    # as its own sheets do.
    heading: list[list[object]] = (
        []
        if prefix
        else [
            [_("Support requests statistics")],
            [_("From %(start)s to %(end)s") % {"start": data.period.start, "end": data.period.end}],
        ]
    )
    summary = RtlSheet(
        book, prefix + _("Summary"), [(_("Figure"), 40), (_("Value"), 18)], heading=heading
    )
    summary.append([_("Requests received"), data.total])
    summary.append([_("Decided"), data.decided])
    summary.append([_("Accepted"), data.accepted])
    summary.append([_("Rejected"), data.rejected])
    summary.append([_("Decided within the committee's deadline"), data.within_deadline])
    summary.append(
        [_("Days from reception to decision (average)"), round(data.average_days or 0, 1)]
    )
    summary.append([_("Days from reception to decision (median)"), round(data.median_days or 0, 1)])
    summary.append([_("Deliveries"), data.delivered_count])
    summary.append([_("Amount delivered (riyals)"), data.delivered_amount])
    summary.append([_("Quantity delivered"), data.delivered_quantity])
    titles = dimension_titles()
    for name in DIMENSIONS:
        sheet = RtlSheet(
            book,
            prefix + titles[name],
            [(titles[name], 36), (_("Requests"), 12), (_("Share"), 12, "0.0%")],
            heading=heading,
        )
        for row in data.by.get(name, []):
            sheet.append([row.label, row.count, row.share])
    sheet = RtlSheet(
        book,
        prefix + _("Support delivered"),
        [
            (_("Month"), 12, "yyyy-mm"),
            (_("neighbourhood centre"), 30),
            (_("Deliveries"), 12),
            (_("Amount (riyals)"), 16),
            (_("Quantity"), 12),
        ],
        heading=heading,
    )
    for delivered in data.deliveries:
        sheet.append(
            [
                delivered.month,
                delivered.centre,
                delivered.count,
                delivered.amount,
                delivered.quantity,
            ]
        )
