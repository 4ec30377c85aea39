"""Figures of the complaints register for the monthly reports (manual 5.1.11-5.1.12 and
the performance-reports procedure).

Pure functions over a period [start, end) of aware datetimes; every case of the
association counts (the reports are read by the managers and the sub-council secretary),
unless a narrower `cases` queryset is given. Times are computed from database values,
never from model instances."""

import datetime
import math
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from association.models import Centre

from . import recurring
from .complaint_tallies import Scope
from .models import (
    CASE_CHANNEL_CHOICES,
    OPEN_STATES,
    Case,
    CaseCategory,
    CaseKind,
    CaseRoute,
    Implementation,
    Recommendation,
    RecommendationDecision,
)

DIMENSIONS = ("kind", "channel", "routed_to", "centre", "category")
HOUR = 3600


@dataclass(frozen=True)
class Period:
    start: datetime.datetime
    end: datetime.datetime

    def __post_init__(self):
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("A report period needs aware datetimes.")
        if self.end <= self.start:
            raise ValueError("A report period ends after it starts.")


def as_period(period):
    """A Period from a Period or a (start, end) pair."""
    return period if isinstance(period, Period) else Period(*period)


def _received_in(period, cases=None):
    period = as_period(period)
    cases = Case.objects.all() if cases is None else cases
    return cases.filter(received_at__gte=period.start, received_at__lt=period.end).order_by()


# --- volume -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VolumeRow:
    key: object  # None for "Not set"
    label: str
    count: int
    share: float  # of the period's total, 0..1


def _choice_labels(choices):
    names = {key: str(label) for key, label in choices}
    return lambda keys: {key: names.get(key, key) for key in keys}


def _centre_labels(keys):
    return {centre.pk: centre.display_name for centre in Centre.objects.filter(pk__in=keys)}


def _category_labels(keys):
    return dict(CaseCategory.objects.filter(pk__in=keys).values_list("pk", "name"))


_LABELS = {
    "kind": _choice_labels(CaseKind.choices),
    "channel": _choice_labels(CASE_CHANNEL_CHOICES),
    "routed_to": _choice_labels(CaseRoute.choices),
    "centre": _centre_labels,
    "category": _category_labels,
}
_COLUMNS = {"centre": "centre_id", "category": "category_id"}


def volume_by(period, dimension, cases=None):
    """Cases received in the period counted by one dimension (kind, channel, routed_to,
    centre, category), the largest first; cases without a value form a "Not set" row."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"Unknown dimension {dimension!r}")
    column = _COLUMNS.get(dimension, dimension)
    rows = list(_received_in(period, cases).values(column).annotate(count=Count("id")).order_by())
    total = sum(row["count"] for row in rows)
    labels = _LABELS[dimension]({row[column] for row in rows if row[column] is not None})
    result = [
        VolumeRow(
            key=row[column],
            label=_("Not set") if row[column] is None else str(labels.get(row[column], "")),
            count=row["count"],
            share=row["count"] / total if total else 0.0,
        )
        for row in rows
    ]
    # The largest first; "Not set" after the others of the same size; then by label.
    result.sort(key=lambda row: (-row.count, row.key is None, row.label))
    return result


# --- answer times -------------------------------------------------------------------------


def percentile(sorted_values, fraction):
    """Linear interpolation between closest ranks (as numpy's default and
    statistics.quantiles(method="inclusive")); None for no values."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * fraction
    lower = math.floor(position)
    upper = math.ceil(position)
    if lower == upper:
        return sorted_values[lower]
    weight = position - lower
    return sorted_values[lower] * (1 - weight) + sorted_values[upper] * weight


@dataclass(frozen=True)
class Durations:
    count: int
    median_hours: float | None
    p90_hours: float | None


def _durations(pairs):
    hours = sorted(
        max(0.0, (finished - received).total_seconds() / HOUR) for received, finished in pairs
    )
    return Durations(
        count=len(hours),
        median_hours=percentile(hours, 0.5),
        p90_hours=percentile(hours, 0.9),
    )


@dataclass(frozen=True)
class AnswerTimes:
    first_answer: Durations
    closure: Durations


def answer_times(period, cases=None):
    """Median and 90th percentile, in hours, of the time from receipt to the first answer
    (replied_at) and to closure (closed_at), over the cases received in the period."""
    received = _received_in(period, cases)
    answered = received.filter(replied_at__isnull=False).values_list("received_at", "replied_at")
    closed = received.filter(closed_at__isnull=False).values_list("received_at", "closed_at")
    return AnswerTimes(
        first_answer=_durations(answered.iterator(chunk_size=5000)),
        closure=_durations(closed.iterator(chunk_size=5000)),
    )


# --- deadlines ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineShare:
    answered: int
    within: int
    late: int

    @property
    def share(self):
        """The fraction answered within the deadline, 0..1; None when nothing was answered."""
        return self.within / self.answered if self.answered else None

    @property
    def percentage(self):
        return None if self.share is None else self.share * 100


def within_deadline_share(period, cases=None):
    """Among the cases received in the period and answered, those answered by their answer
    deadline (answer_due_at, manual 5.2)."""
    totals = (
        _received_in(period, cases)
        .filter(replied_at__isnull=False, answer_due_at__isnull=False)
        .aggregate(
            answered=Count("id"),
            within=Count("id", filter=Q(replied_at__lte=F("answer_due_at"))),
        )
    )
    answered, within = totals["answered"], totals["within"]
    return DeadlineShare(answered=answered, within=within, late=answered - within)


def overdue_cases(now, cases=None):
    """Open cases past their current step's deadline, the longest overdue first."""
    cases = Case.objects.all() if cases is None else cases
    return (
        cases.filter(state__in=OPEN_STATES, due_at__lt=now)
        .select_related("centre", "category", "assigned_to")
        .order_by("due_at", "pk")
    )


# --- recurring groups ---------------------------------------------------------------------


def recurring_groups(period, cases=None, limit=None):
    """The recurring complaint groups of the period (complaints.recurring), the largest
    first, with their monthly frequency and the quality officer's analysis."""
    period = as_period(period)
    if limit == 0:
        return []
    # Every case: read from the roll-up (complaints.complaint_tallies).
    cases = Scope(Case.objects.all()) if cases is None else cases
    groups = recurring.find_groups(cases, period.start, period.end)
    if limit is not None:
        groups = groups[:limit]
    return recurring.add_details(groups, cases, period.end)


# --- recommendations ----------------------------------------------------------------------


@dataclass
class RecommendationSummary:
    recommendations: list
    by_decision: dict = field(default_factory=dict)
    by_implementation: dict = field(default_factory=dict)

    @property
    def total(self):
        return len(self.recommendations)

    @property
    def investigated(self):
        return [rec for rec in self.recommendations if rec.investigated_at is not None]


def _recommendation_summary(queryset):
    recommendations = list(
        queryset.select_related("owner", "raised_by", "decided_by", "investigated_by").order_by(
            "raised_at", "pk"
        )
    )
    by_decision = dict.fromkeys(RecommendationDecision.values, 0)
    by_implementation = dict.fromkeys(Implementation.values, 0)
    for rec in recommendations:
        by_decision[rec.decision] += 1
        if rec.decision == RecommendationDecision.APPROVED:
            by_implementation[rec.implementation] += 1
    return RecommendationSummary(recommendations, by_decision, by_implementation)


def recommendations_raised(period):
    """The recommendations raised in the period, with their decision."""
    period = as_period(period)
    return _recommendation_summary(
        Recommendation.objects.filter(raised_at__gte=period.start, raised_at__lt=period.end)
    )


def recommendations_follow_up(previous_period):
    """The follow-up of the previous period's recommendations (performance-reports
    procedure, steps 3-4): their decision, implementation and, for those not implemented,
    the reasons the investigation found. Counts of implementation are over approved ones."""
    return recommendations_raised(previous_period)


# --- one period for the report ------------------------------------------------------------


@dataclass
class PeriodSummary:
    period: Period
    total: int
    volume: dict
    answer_times: AnswerTimes
    within_deadline: DeadlineShare
    overdue_count: int
    overdue: list
    recurring_groups: list
    recommendations: RecommendationSummary
    follow_up: RecommendationSummary | None


def previous_period(period):
    """The period of the same calendar length just before (the previous month for a month)."""
    period = as_period(period)
    start, end = period.start, period.end
    local_start = timezone.localtime(start, timezone.get_default_timezone())
    if (
        local_start.day == 1
        and local_start.time() == datetime.time.min
        and (end - start).days >= 28
    ):
        # A calendar month: the previous calendar month.
        previous_day = (local_start - datetime.timedelta(days=1)).date()
        month_start = datetime.datetime.combine(previous_day.replace(day=1), datetime.time.min)
        return Period(timezone.make_aware(month_start, timezone.get_default_timezone()), start)
    return Period(start - (end - start), start)


def period_summary(start, end, *, cases=None, overdue_limit=50, groups_limit=20):
    """Everything the monthly report shows for one period, computed in a bounded number of
    queries. Overdue: the cases open now whose deadline passed before the end of the
    period (or now, for the current period)."""
    period = Period(start, end)
    volume = {dimension: volume_by(period, dimension, cases) for dimension in DIMENSIONS}
    overdue_at = min(end, timezone.now())
    overdue = overdue_cases(overdue_at, cases)
    return PeriodSummary(
        period=period,
        total=sum(row.count for row in volume["kind"]),
        volume=volume,
        answer_times=answer_times(period, cases),
        within_deadline=within_deadline_share(period, cases),
        overdue_count=overdue.count(),
        overdue=list(overdue[:overdue_limit]),
        recurring_groups=recurring_groups(period, cases, limit=groups_limit),
        recommendations=recommendations_raised(period),
        follow_up=recommendations_follow_up(previous_period(period)),
    )
