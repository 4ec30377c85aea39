"""Which reports each role reads (the readers of each registered report kind,
reports.kinds), the reports awaiting a step, the period's title."""

import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from association import roles
from complaints.models import Recommendation

from .kinds import registered_kinds, reviewed_types, types_read_by
from .models import DepartmentReview, Report, ReportType, ReviewState, RunStatus
from .periods import is_quarter, quarter_title


def report_types_for(user: User | AnonymousUser) -> list[ReportType]:
    """The report types this user reads (superusers: all)."""
    if not user.is_authenticated or not user.has_perm("reports.view_report"):
        return []
    if user.is_superuser:
        return [ReportType(kind.report_type) for kind in registered_kinds()]
    return [ReportType(value) for value in types_read_by(roles.user_roles(user))]


def reports_visible_to(user: User | AnonymousUser) -> QuerySet[Report]:
    return Report.objects.filter(report_type__in=report_types_for(user)).select_related(
        "requested_by", "decided_by", "archived_by"
    )


def awaiting(user: User) -> QuerySet[Report]:
    """Ready reports waiting for this user's step: the manager's review, the secretary's
    decision, the archiving (reports without a review are archived once read)."""
    from .services import reviewing_departments_of

    reviewed = Q(report_type__in=reviewed_types())
    condition = Q(pk__in=[])
    for department in reviewing_departments_of(user):
        # Each manager until their own department's review is in (procedure steps 2-3).
        department_reviews = DepartmentReview.objects.filter(
            report=OuterRef("pk"), department=department
        )
        condition |= (
            reviewed & Q(review_state=ReviewState.PREPARED) & Q(~Exists(department_reviews))
        )
    if user.has_perm("reports.decide_report"):
        condition |= Q(review_state=ReviewState.REVIEWED)
    if user.has_perm("reports.archive_report"):
        condition |= Q(review_state=ReviewState.DECIDED)
        condition |= ~reviewed & Q(review_state=ReviewState.PREPARED)
    return reports_visible_to(user).filter(condition, status=RunStatus.READY)


def awaiting_first(queryset: QuerySet[Report], user: User) -> QuerySet[Report]:
    """The archive list with the reports awaiting this user on top (the secretary sees the
    reports to decide first)."""
    waiting = list(awaiting(user).values_list("pk", flat=True))
    return queryset.annotate(
        awaits_me=Case(
            When(pk__in=waiting, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("awaits_me", "-period_start", "report_type")


def period_title(report: Report) -> str:
    """ "أكتوبر 2026" for a month, "15 نوفمبر إلى 21 نوفمبر 2026" for a week: month names
    rather than ISO dates, which a right-to-left line shows reversed; "الربع الثالث 2026"
    for a quarter."""
    if is_quarter(report.period_start, report.period_end):
        return quarter_title(report.period_start)
    if report.period_start.day == 1 and report.period_end.month == report.period_start.month:
        return formats.date_format(report.period_start, "F Y")
    return _("%(start)s to %(end)s") % {
        "start": formats.date_format(report.period_start, "j F"),
        "end": formats.date_format(report.period_end, "j F Y"),
    }


# --- deadlines of the review --------------------------------------------------------------

_DUE_FIELD = {
    ReviewState.PREPARED: "review_due_at",
    ReviewState.REVIEWED: "decision_due_at",
    ReviewState.DECIDED: "archive_due_at",
}


def current_due(report: Report) -> datetime.datetime | None:
    """The deadline of the step the ready report waits for (the manager's review, the
    secretary's decision, the archiving), or None."""
    if report.status != RunStatus.READY or report.review_state not in _DUE_FIELD:
        return None
    return getattr(report, _DUE_FIELD[report.review_state])


def is_overdue(report: Report, now: datetime.datetime | None = None) -> bool:
    due = current_due(report)
    return due is not None and due < (now or timezone.now())


# --- the recommendations shown with the monthly performance report -------------------------


def _local_bounds(
    first_day: datetime.date, last_day: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of whole local days as aware datetimes."""
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min), tz)
    end = timezone.make_aware(
        datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min), tz
    )
    return start, end


def recommendations_of_period(report: Report, user: User) -> QuerySet[Recommendation]:
    """The recommendations the secretary decides on with this report (step 5): those raised
    in its month, and those raised earlier still awaiting a decision."""
    from complaints.models import RecommendationDecision
    from complaints.selectors import recommendations_visible_to

    start, end = _local_bounds(report.period_start, report.period_end)
    return (
        recommendations_visible_to(user)
        .filter(
            Q(raised_at__gte=start, raised_at__lt=end)
            | Q(raised_at__lt=start, decision=RecommendationDecision.RAISED)
        )
        .order_by("raised_at", "pk")
    )


def recommendations_to_follow_up(report: Report, user: User) -> QuerySet[Recommendation]:
    """Last period's recommendations with their decision, implementation and, for those not
    implemented, the reasons the investigation found (steps 3-4)."""
    from complaints.selectors import recommendations_visible_to

    first_day = (report.period_start - datetime.timedelta(days=1)).replace(day=1)
    start, end = _local_bounds(first_day, report.period_start - datetime.timedelta(days=1))
    return (
        recommendations_visible_to(user)
        .filter(raised_at__gte=start, raised_at__lt=end)
        .order_by("raised_at", "pk")
    )


def awaiting_decision_counts(user: User | AnonymousUser, now: datetime.datetime) -> tuple[int, int]:
    """(reports this user reads that await the sub-council secretary's decision, of which
    past the decision deadline of 3 working days): one query."""
    totals = (
        reports_visible_to(user)
        .filter(status=RunStatus.READY, review_state=ReviewState.REVIEWED)
        .order_by()
        .aggregate(waiting=Count("pk"), overdue=Count("pk", filter=Q(decision_due_at__lt=now)))
    )
    return totals["waiting"], totals["overdue"]
