"""Every read of the links app: the list with its visit figures, one link's visits per day
(visits and unique visitors: COUNT(DISTINCT visitor), served by the (link, day, visitor)
index), and the outcomes attributed to it."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, DateField, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.cache import cached, register_topic

from .models import LinkDayTotal, LinkVisit, TrackedLink
from .outcomes import registered_outcomes

RECENT_DAYS = 30
# The per-day figures of a link's closed days (days_of); a link deleted or changed renews
# them, and they expire within the hour anyway.
CLOSED_DAYS_TOPIC = "links_closed_days"
register_topic(CLOSED_DAYS_TOPIC, TrackedLink, form_options=False)


def links_for_list() -> QuerySet[TrackedLink]:
    return TrackedLink.objects.select_related("created_by").order_by("-created_at", "-id")


def visit_totals(link_ids: list[int]) -> dict[int, dict[str, int]]:
    """{link id: {"total": visits, "recent": visits in the last RECENT_DAYS days}} for the
    links of one page, in one grouped query."""
    since = timezone.localdate() - datetime.timedelta(days=RECENT_DAYS - 1)
    rows = (
        LinkVisit.objects.filter(link_id__in=link_ids)
        .values("link_id")
        .annotate(total=Count("id"), recent=Count("id", filter=Q(day__gte=since)))
        .order_by()
    )
    return {row["link_id"]: {"total": row["total"], "recent": row["recent"]} for row in rows}


@dataclass
class VisitFigures:
    visits: int = 0
    unique_visitors: int = 0  # summed per day, as link_totals counts them


def visit_figures(link_ids: list[int]) -> dict[int, VisitFigures]:
    """{link id: its visits and unique visitors} for any number of links, in one small
    query whatever the number of visits: the days rolled up every night (LinkDayTotal)
    summed per link, UNION ALL a live count of the days after the last one rolled up (today,
    mostly; the whole history before the first roll-up). Links without a visit are left
    out."""
    figures: dict[int, VisitFigures] = {}
    if not link_ids:
        return figures
    rolled = (
        LinkDayTotal.objects.filter(link_id__in=link_ids)
        .values("link_id")
        .annotate(visits=Sum("visits"), unique_visitors=Sum("unique_visitors"))
        .values_list("link_id", "visits", "unique_visitors")
        .order_by()
    )
    # The last day rolled up is read inside the same query (the "linkdaytotal_day" index);
    # before the first roll-up every day is live.
    last_rolled = Subquery(LinkDayTotal.objects.order_by("-day").values("day")[:1])
    live = (
        LinkVisit.objects.filter(
            link_id__in=link_ids,
            day__gt=Coalesce(last_rolled, Value(datetime.date.min), output_field=DateField()),
        )
        .values("link_id", "day")
        # COUNT(*), not of the id: the (link, day, visitor) index answers alone.
        .annotate(visits=Count("*"), unique_visitors=Count("visitor", distinct=True))
        .values_list("link_id", "visits", "unique_visitors")
        .order_by()
    )
    for link_id, visits, unique_visitors in rolled.union(live, all=True):
        total = figures.setdefault(link_id, VisitFigures())
        total.visits += visits
        total.unique_visitors += unique_visitors
    return figures


@dataclass
class DayFigures:
    day: datetime.date
    visits: int
    unique_visitors: int


def _per_day(
    link: TrackedLink, *, since: datetime.date | None, before: datetime.date | None
) -> list[DayFigures]:
    rows = LinkVisit.objects.filter(link=link)
    if since is not None:
        rows = rows.filter(day__gte=since)
    if before is not None:
        rows = rows.filter(day__lt=before)
    grouped = (
        rows.values("day")
        .annotate(visits=Count("id"), unique_visitors=Count("visitor", distinct=True))
        .order_by("-day")
    )
    return [DayFigures(row["day"], row["visits"], row["unique_visitors"]) for row in grouped]


def days_of(link: TrackedLink) -> list[DayFigures]:
    """Every day with visits, newest first. Visits are only ever recorded on the day they
    happen, so the days before today never change: they are counted once and kept in the
    cache for an hour (a link with hundreds of thousands of visits takes a second to
    count); today is counted on every call."""
    today = timezone.localdate()
    closed = cached(
        CLOSED_DAYS_TOPIC,
        f"{link.pk}:{today.isoformat()}",
        lambda: _per_day(link, since=None, before=today),
        timeout=3600,
    )
    return _per_day(link, since=today, before=None) + closed


def visits_per_day(days: list[DayFigures], *, last: int = RECENT_DAYS) -> list[DayFigures]:
    """The last `last` days of `days_of(link)`, the days without a visit left out."""
    since = timezone.localdate() - datetime.timedelta(days=last - 1)
    return [row for row in days if row.day >= since]


def link_totals(days: list[DayFigures]) -> dict[str, int]:
    """All visits, and unique visitors summed per day (a person who comes back another day
    counts again: the daily salt keeps days apart on purpose)."""
    return {
        "visits": sum(row.visits for row in days),
        "unique_visitors": sum(row.unique_visitors for row in days),
    }


@dataclass
class OutcomeFigures:
    label: Any
    count: int
    # (record, its staff page or "") of the latest few.
    recent: list[tuple[Any, str]]


def outcomes_of(
    link: TrackedLink, user: User | AnonymousUser, *, recent: int = 10
) -> list[OutcomeFigures]:
    """Each registered outcome the user may see: how many were attributed to the link, and
    the latest few."""
    figures = []
    for outcome in registered_outcomes():
        if not user.has_perm(outcome.permission):
            continue
        rows = outcome.model._default_manager.filter(**{outcome.field: link})
        figures.append(
            OutcomeFigures(
                label=outcome.label,
                count=rows.count(),
                recent=[
                    (row, outcome.detail_url(row) if outcome.detail_url else "")
                    for row in rows.order_by("-pk")[:recent]
                ],
            )
        )
    return figures
