"""Customer statistics on demand (manual 6.1.8): counts of customers grouped one way.

Functions over a queryset: the caller decides who sees which customers and which
filters apply; `customer_statistics` runs one aggregate query whatever the number of
groups (kept in the cache until a customer changes), `list_count` the customer list's
capped count (kept the same way), `bar_chart` lays out an inline SVG chart and
`statistics_workbook` writes the XLSX.
"""

import calendar
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from hijridate import Gregorian

from association.models import Centre, City, StaffProfile
from core import xlsx
from core.cache import cached, query_key, register_topic
from core.choices import ContactChannel
from core.dates import hijri_language
from core.numbers import XLSX_PERCENT_FORMAT
from core.pagination import kept_count
from core.replica import reading_replica

from .models import Customer, CustomerKind

# The counts of the statistics page and of the customer list, kept until a customer is
# saved or deleted.
STATISTICS_TOPIC = "customer_statistics"
# A centres-affairs member's scope follows their centres: a change of those renews it too.
register_topic(
    STATISTICS_TOPIC, Customer, m2m_through=(StaffProfile.centres.through,), form_options=False
)

# --- labels -------------------------------------------------------------------------------


def _not_set() -> str:
    return _("Not set")


def _english() -> bool:
    return (get_language() or "ar").startswith("en")


def _bilingual(obj: City | Centre) -> str:
    """City and centre names as BilingualNameMixin.display_name shows them."""
    return obj.name_en if obj.name_en and _english() else obj.name


def _choice_labels(choices: Iterable[tuple[Any, Any]]) -> Callable[[Iterable[Any]], dict[Any, str]]:
    def labels(keys: Iterable[Any]) -> dict[Any, str]:
        names = dict(choices)
        return {key: str(names.get(key, key)) for key in keys}

    return labels


def _city_labels(keys: Iterable[Any]) -> dict[Any, str]:
    return {city.pk: _bilingual(city) for city in City.objects.filter(pk__in=keys)}


def _centre_labels(keys: Iterable[Any]) -> dict[Any, str]:
    return {
        centre.pk: f"{_bilingual(centre)} · {_bilingual(centre.city)}"
        for centre in Centre.objects.filter(pk__in=keys).select_related("city")
    }


def _person_labels(keys: Iterable[Any]) -> dict[Any, str]:
    return {
        user.pk: user.get_full_name() or user.get_username()
        for user in get_user_model().objects.filter(pk__in=keys)
    }


def _month_key(value: datetime.datetime) -> tuple[int, int]:
    """TruncMonth gives the first instant of the month in Asia/Riyadh; keep (year, month)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value, timezone.get_default_timezone())
    return (value.year, value.month)


def _month_labels(keys: Iterable[tuple[int, int]]) -> dict[Any, str]:
    return {(year, month): f"{year:04d}-{month:02d}" for year, month in keys}


def hijri_months(year: int, month: int) -> str:
    """The Hijri month(s) a Gregorian month spans, e.g. "رمضان – شوال 1447 هـ"; "" outside
    hijridate's range."""
    language = hijri_language()
    last_day = calendar.monthrange(year, month)[1]
    try:
        first = Gregorian(year, month, 1).to_hijri()
        last = Gregorian(year, month, last_day).to_hijri()
    except (OverflowError, ValueError):
        return ""
    notation = first.notation(language)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.month_name(language)} {first.year} {notation}"
    if first.year == last.year:
        return f"{first.month_name(language)} – {last.month_name(language)} {last.year} {notation}"
    return (
        f"{first.month_name(language)} {first.year} – "
        f"{last.month_name(language)} {last.year} {notation}"
    )


def _month_detail(key: tuple[int, int]) -> str:
    return hijri_months(*key)


# --- groupings ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Grouping:
    code: str
    label: object  # lazy, the heading of the group column
    key_field: str  # the value grouped on; None or "" is "Not set"
    # {key: label} for the keys found. For relations this is one small query on the related
    # table: grouping on the bare foreign key and naming the groups afterwards is several
    # times faster than grouping on the joined names at 100,000 customers.
    make_labels: Callable
    make_detail: Callable | None = None  # a second line under the label (the Hijri months)
    annotation: Callable | None = None  # expression computing key_field, if not a column
    make_key: Callable | None = None  # turns the raw key into the group key
    chronological: bool = False  # sort by key instead of by count


def _truncated_month() -> TruncMonth:
    return TruncMonth("created_at", tzinfo=timezone.get_default_timezone())


GROUPINGS = {
    grouping.code: grouping
    for grouping in (
        Grouping(
            "kind",
            gettext_lazy("customer type"),
            "kind",
            make_labels=_choice_labels(CustomerKind.choices),
        ),
        Grouping("city", gettext_lazy("city"), "city", make_labels=_city_labels),
        Grouping(
            "centre", gettext_lazy("neighbourhood centre"), "centre", make_labels=_centre_labels
        ),
        Grouping(
            "contact_channel",
            gettext_lazy("preferred contact channel"),
            "contact_channel",
            make_labels=_choice_labels(ContactChannel.choices),
        ),
        Grouping(
            "point_of_contact",
            gettext_lazy("point of contact"),
            "point_of_contact",
            make_labels=_person_labels,
        ),
        Grouping(
            "month",
            gettext_lazy("month created"),
            "month_created",
            make_labels=_month_labels,
            make_detail=_month_detail,
            annotation=_truncated_month,
            make_key=_month_key,
            chronological=True,
        ),
    )
}
DEFAULT_GROUPING = "kind"


def grouping_choices() -> list[tuple[str, object]]:
    return [(grouping.code, grouping.label) for grouping in GROUPINGS.values()]


def resolve_grouping(code: str | None) -> Grouping:
    """The grouping asked for, or the default (by type) for anything unknown."""
    return GROUPINGS.get(code or "") or GROUPINGS[DEFAULT_GROUPING]


# --- counting -----------------------------------------------------------------------------


@dataclass
class StatisticsRow:
    key: Any  # None for "Not set"
    label: str
    count: int
    share: float = 0.0  # of the total, 0..1
    detail: str = ""

    @property
    def percentage(self) -> float:
        return self.share * 100

    @property
    def is_not_set(self) -> bool:
        return self.key is None


@dataclass
class Statistics:
    grouping: Grouping
    rows: list[StatisticsRow] = field(default_factory=list)
    total: int = 0

    @property
    def largest(self) -> int:
        return max((row.count for row in self.rows), default=0)


@reading_replica()  # read from the streaming replica when there is one (core.replica)
def customer_statistics(queryset: QuerySet[Customer], grouping_code: str | None) -> Statistics:
    """Count the customers of `queryset` per group.

    One aggregate query (GROUP BY the key), however many groups there are, plus for
    relations one query naming the groups found. The queryset should already be scoped to
    the user and filtered; its ordering is dropped (it would enter the GROUP BY) and so is
    its select_related (values() ignores it). COUNT(*) rather than COUNT(id) lets
    PostgreSQL answer from an index alone (kind, centre) where it can."""
    grouping = resolve_grouping(grouping_code)
    counts = _group_counts(queryset, grouping)
    labels = grouping.make_labels([key for key in counts if key is not None])
    total = sum(counts.values())
    rows = [
        StatisticsRow(
            key=key,
            label=_not_set() if key is None else labels.get(key, str(key)),
            count=count,
            share=count / total if total else 0.0,
            detail=grouping.make_detail(key) if grouping.make_detail and key is not None else "",
        )
        for key, count in counts.items()
    ]
    return Statistics(grouping=grouping, rows=_sorted(grouping, rows), total=total)


def _group_counts(queryset: QuerySet[Customer], grouping: Grouping) -> dict[Any, int]:
    """{group key: customers}, from the cache while no customer changed (topic
    STATISTICS_TOPIC, renewed on every save or delete of a customer): counting groups every
    customer the user sees, a cost that grows with the register, paid once per change
    instead of on every request. The key is the query itself (the user's scope, the
    filters and the grouping)."""
    queryset = queryset.order_by()
    if grouping.annotation is not None:
        queryset = queryset.annotate(**{grouping.key_field: grouping.annotation()})
    grouped = queryset.values(grouping.key_field).annotate(customer_count=Count("*"))

    def count() -> dict[Any, int]:
        counts: dict[Any, int] = {}
        for record in grouped:
            raw_key = record[grouping.key_field]
            if raw_key in (None, ""):  # "" and None are both "Not set"
                key = None
            else:
                key = grouping.make_key(raw_key) if grouping.make_key else raw_key
            counts[key] = counts.get(key, 0) + record["customer_count"]
        return counts

    digest = query_key(grouped)
    if digest is None:
        return {}
    return cached(STATISTICS_TOPIC, f"{grouping.code}:{digest}", count)


def list_count(queryset: QuerySet[Customer], cap: int) -> int:
    """How many rows the customer list `queryset` holds, counted up to `cap` + 1 (more than
    `cap` reads «more than …»: core.pagination.capped_count), kept like the statistics
    until a customer changes. A search as common as «محمد» (16,000 of 300,000 names)
    walks 10,001 rows through the trigram index, each read from the table to check the
    name: once per change of the customers, not on each page of the results."""
    return kept_count(queryset, cap, [STATISTICS_TOPIC])


def _sorted(grouping: Grouping, rows: list[StatisticsRow]) -> list[StatisticsRow]:
    """Months in calendar order; other groups largest first; "Not set" always last."""
    known = [row for row in rows if not row.is_not_set]
    unknown = [row for row in rows if row.is_not_set]
    if grouping.chronological:
        known.sort(key=lambda row: row.key)
    else:
        known.sort(key=lambda row: (-row.count, row.label))
    return known + unknown


# --- chart --------------------------------------------------------------------------------

CHART_WIDTH = 760
LABEL_WIDTH = 250
VALUE_WIDTH = 90
GAP = 10
ROW_HEIGHT = 30
BAR_HEIGHT = 20
LABEL_MAX_CHARACTERS = 34


@dataclass
class Bar:
    label: str
    full_label: str
    value_text: str
    x: float
    y: float
    width: float
    text_y: float
    label_x: float
    label_anchor: str
    value_x: float
    value_anchor: str


def bar_chart(
    statistics: Statistics, *, rtl: bool = True, width: int = CHART_WIDTH
) -> dict[str, Any]:
    """Geometry of a horizontal bar chart, drawn by the template as inline SVG.

    The SVG is laid out with direction="ltr" so that x and text-anchor mean the same thing
    in both languages; for right-to-left the chart is mirrored here: labels on the right,
    bars growing leftwards from the axis, counts at the bars' ends."""
    track = width - LABEL_WIDTH - VALUE_WIDTH - 2 * GAP
    largest = statistics.largest or 1
    bars: list[Bar] = []
    for index, row in enumerate(statistics.rows):
        bar_width = round(track * row.count / largest, 1)
        if row.count and bar_width < 1:
            bar_width = 1.0  # a non-empty group always shows
        y = index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        value_text = (
            f"{number_format(row.count, force_grouping=True)} "
            f"({number_format(row.percentage, 1)}%)"
        )  # formatted as the table shows them (core.numbers: "35.0", in both languages)
        if rtl:
            axis = width - LABEL_WIDTH - GAP
            geometry: dict[str, Any] = {
                "x": round(axis - bar_width, 1),
                "label_x": width,
                "label_anchor": "end",
                "value_x": round(axis - bar_width - 6, 1),
                "value_anchor": "end",
            }
        else:
            axis = LABEL_WIDTH + GAP
            geometry = {
                "x": axis,
                "label_x": 0,
                "label_anchor": "start",
                "value_x": round(axis + bar_width + 6, 1),
                "value_anchor": "start",
            }
        bars.append(
            Bar(
                label=_shortened(row.label),
                full_label=row.label,
                value_text=value_text,
                y=y,
                width=bar_width,
                text_y=index * ROW_HEIGHT + ROW_HEIGHT / 2,
                **geometry,
            )
        )
    return {
        "width": width,
        "height": max(len(bars), 1) * ROW_HEIGHT,
        "bar_height": BAR_HEIGHT,
        "bars": bars,
    }


def _shortened(label: str) -> str:
    if len(label) <= LABEL_MAX_CHARACTERS:
        return label
    return label[: LABEL_MAX_CHARACTERS - 1] + "…"


# --- XLSX ---------------------------------------------------------------------------------


def statistics_workbook(
    statistics: Statistics,
    *,
    title: object,
    filters: Iterable[tuple[object, object]] = (),
    generated_at: object = None,
) -> bytes:
    """The statistics table as an XLSX file (bytes), written by core.xlsx: a right-to-left
    sheet with a title, the filters applied, then label / count / percentage and a total
    row; the table's header row repeats on every printed page."""
    heading: list[list[object]] = [[str(title)]]
    if generated_at is not None:
        heading.append([_("Generated on"), generated_at])
    heading += [[str(label), str(value)] for label, value in filters]
    heading.append([])
    columns = [
        (statistics.grouping.label, 42),
        (_("Number of customers"), 20),
        (_("Percentage"), 14, XLSX_PERCENT_FORMAT),
    ]
    if statistics.grouping.make_detail:
        columns.append((_("Hijri months"), 32))

    workbook = xlsx.new_workbook()
    sheet = xlsx.RtlSheet(workbook, _("Statistics"), columns, heading=heading)
    for row in statistics.rows:
        values = [row.label, row.count, row.share]
        if statistics.grouping.make_detail:
            values.append(row.detail)
        sheet.append(values)
    sheet.append([_("Total"), statistics.total, 1 if statistics.total else 0], bold=True)
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()
