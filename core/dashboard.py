"""The headline figures on top of the "عملي" home page (issue 12, item 11).

Each app registers headline providers in its registrations.py: a function taking the user
and returning a Headline (a figure, a line under it, the list behind it, an optional small
chart) or None when the figure is not this user's. The figures are computed in the owning
app's selectors with one or two aggregate queries, so the home page costs the same whatever
the amount of data. Which roles see the row at all is the home view's business
(association.roles.HEADLINE_ROLES).

Charts are drawn on the server as inline SVG (templates/includes/bar_chart.html):
bars only, with presentation attributes, no style attribute (the Content-Security-Policy).
"""

import datetime
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone, translation

from .cache import cached, register_topic

if TYPE_CHECKING:
    from django.contrib.auth.models import User

CHART_HEIGHT = 32
CHART_BAR_WIDTH = 12
CHART_GAP = 4
CHART_MONTHS = 6

Number = int | float | Decimal


@dataclass(frozen=True)
class Bar:
    label: str  # read by screen readers and shown on hover (<title>)
    value: Number
    x: int
    y: int
    height: int


@dataclass(frozen=True)
class Chart:
    """A small bar chart: the bars in reading order (right to left in Arabic)."""

    bars: tuple[Bar, ...]
    width: int
    height: int = CHART_HEIGHT
    bar_width: int = CHART_BAR_WIDTH
    description: str = ""  # what the bars are, for screen readers

    @property
    def has_data(self) -> bool:
        return any(bar.value for bar in self.bars)


def bar_chart(
    points: Sequence[tuple[str, Number]],
    description: str = "",
    *,
    height: int = CHART_HEIGHT,
    bar_width: int = CHART_BAR_WIDTH,
    gap: int = CHART_GAP,
) -> Chart:
    """Bars of `points` ((label, value) in order, oldest first), scaled to the largest; a
    value above zero shows at least one pixel. Time runs the way the page reads: the oldest
    bar on the right in Arabic. Drawn by templates/includes/bar_chart.html."""
    peak = max((float(value) for _label, value in points), default=0.0) or 1.0
    rtl = translation.get_language_bidi()
    count = len(points)
    bars = []
    for index, (label, value) in enumerate(points):
        bar_height = max(round(float(value) * height / peak), 1 if value else 0)
        slot = count - 1 - index if rtl else index
        bars.append(
            Bar(
                label=label,
                value=value,
                x=slot * (bar_width + gap),
                y=height - bar_height,
                height=bar_height,
            )
        )
    width = max(count * (bar_width + gap) - gap, 0)
    return Chart(
        bars=tuple(bars), width=width, height=height, bar_width=bar_width, description=description
    )


@dataclass(frozen=True)
class Headline:
    label: str
    value: str  # already formatted (see figure and amount)
    detail: str = ""  # one short line under the figure
    url: str = ""  # the list behind the figure; empty when the user may not open it
    chart: Chart | None = None
    alert: bool = False  # something is overdue: the card stands out
    key: str = field(default="", compare=False)  # data-headline attribute, for tests
    # Cards are shown by order, then in registration order: the work first (cases, forms),
    # then money, then reports.
    order: int = 100


def waiting_headline(
    *,
    key: str,
    order: int,
    label: str,
    waiting: int,
    overdue: int,
    overdue_text: str,
    url: str = "",
    chart: Chart | None = None,
) -> Headline:
    """The usual card: how many things wait for a step and, under it, how many are past
    their deadline (`overdue_text`, an ngettext of `overdue` with a %(count)s); the card
    stands out when some are."""
    return Headline(
        key=key,
        order=order,
        label=label,
        value=figure(waiting),
        detail=overdue_text % {"count": figure(overdue)},
        url=url,
        chart=chart,
        alert=bool(overdue),
    )


HeadlineProvider = Callable[["User"], Headline | None]
_providers: list[HeadlineProvider] = []


def register_headline(provider: HeadlineProvider) -> HeadlineProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_headline(provider: HeadlineProvider) -> None:
    _providers.remove(provider)


def headlines_for(user: "User") -> list[Headline]:
    headlines = (provider(user) for provider in _providers)
    return sorted(
        (headline for headline in headlines if headline is not None),
        key=lambda headline: headline.order,
    )


# --- helpers for the apps' selectors --------------------------------------------------------


def figure(value: Number) -> str:
    """A count or amount as shown on a card: Western digits, grouped by three (12,500)."""
    if isinstance(value, int):
        return f"{value:,}"
    return f"{Decimal(value):,.0f}"


def percentage(share: float | None) -> str:
    """A share 0..1 as "83%" ("—" when there is nothing to measure)."""
    return "—" if share is None else f"{round(share * 100)}%"


def recent_months(
    count: int = CHART_MONTHS, today: datetime.date | None = None
) -> list[datetime.date]:
    """The first days of the last `count` calendar months (Riyadh), oldest first, ending
    with this month."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    months = []
    for _index in range(count):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))


def month_start(day: datetime.date) -> datetime.datetime:
    """The aware local midnight starting the month of `day`."""
    return timezone.make_aware(
        datetime.datetime(day.year, day.month, 1), timezone.get_default_timezone()
    )


def month_label(day: datetime.date) -> str:
    """ "ديسمبر 2026": a month by its name (an ISO date reads reversed in Arabic)."""
    return str(formats.date_format(day, "F Y"))


def month_after(day: datetime.date) -> datetime.date:
    """The first day of the month after the month of `day`."""
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


PAST_MONTHS_TOPIC = "headline_past_months"
PAST_MONTHS_TIMEOUT = 3600  # seconds: a closed month's bar may be an hour old
register_topic(PAST_MONTHS_TOPIC, form_options=False)

T = TypeVar("T")


def by_month(
    name: str,
    scope: QuerySet,
    months: Sequence[datetime.date],
    compute: Callable[[Sequence[datetime.date]], list[T]],
) -> list[T]:
    """`compute(months)` (one value per month, in order) with the months before this one
    kept an hour per `scope` (the query counted: its SQL is the key), and this month
    computed on every call: a chart of six months counts one month of rows, not six. The
    same number of queries either way (one `compute` call)."""
    this_month = timezone.localdate().replace(day=1)
    past = [day for day in months if day < this_month]
    rest = [day for day in months if day >= this_month]
    if not past:
        return compute(months)
    sql, params = scope.query.sql_with_params()
    digest = hashlib.sha256(repr((scope.db, sql, params, past)).encode()).hexdigest()
    # When the closed months are not kept, every month is counted in one query as before.
    counted: list[T] = []

    def count_all_keep_past() -> list[T]:
        counted.extend(compute(months))
        return counted[: len(past)]

    kept = cached(PAST_MONTHS_TOPIC, f"{name}:{digest}", count_all_keep_past, PAST_MONTHS_TIMEOUT)
    if counted:
        return counted
    return [*kept, *(compute(rest) if rest else [])]


def monthly_counts(
    queryset: QuerySet, date_field: str, months: Sequence[datetime.date]
) -> list[tuple[str, int]]:
    """How many rows of `queryset` fall in each month of `months` by `date_field` (an aware
    datetime field): one grouped query (the closed months kept an hour, see by_month),
    months with nothing counted as zero."""
    if not months:
        return []

    def count(chosen: Sequence[datetime.date]) -> list[int]:
        rows = (
            queryset.filter(
                **{
                    f"{date_field}__gte": month_start(chosen[0]),
                    f"{date_field}__lt": month_start(month_after(chosen[-1])),
                }
            )
            .order_by()
            .annotate(month=TruncMonth(date_field, tzinfo=timezone.get_default_timezone()))
            .values("month")
            .annotate(count=Count("pk"))
        )
        counts: dict[tuple[int, int], int] = {}
        for row in rows:
            month = row["month"]
            if isinstance(month, datetime.datetime) and timezone.is_aware(month):
                month = timezone.localtime(month, timezone.get_default_timezone())
            key = (month.year, month.month)
            counts[key] = counts.get(key, 0) + row["count"]
        return [counts.get((day.year, day.month), 0) for day in chosen]

    values = by_month(f"count:{date_field}", queryset, months, count)
    return [(month_label(day), value) for day, value in zip(months, values, strict=True)]
