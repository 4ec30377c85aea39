"""The weekly review of the complaints register (procedure step 8, أسبوعي): the CRM manager
and the centres-affairs manager each review their department's register every working
week (Sunday to Thursday, Asia/Riyadh) and raise recommendations from it.

A review is due by the end of the week's last working day; a week with no review after
that is missed. Weeks count from the department's schedule (RegisterReviewSchedule, the
week the reviews started) and, for one manager's "عملي", from the week they joined.

Services (the only write), selectors (who sees which department, the weeks and their
state, the register's figures) and the "my work" provider."""

import datetime
from dataclasses import dataclass
from typing import cast

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from association import roles
from association.workdays import holidays_between, is_working_day
from core import mywork

from .errors import RegisterReviewError
from .models import (
    OPEN_STATES,
    Case,
    CaseRoute,
    RegisterReview,
    RegisterReviewSchedule,
)

DEPARTMENTS = (CaseRoute.CRM, CaseRoute.CENTRES)
WORKING_WEEK_DAYS = 5  # Sunday to Thursday
MISSED_SHOWN = 8  # on "عملي"; the list page has them all

_MANAGER_DEPARTMENTS = {roles.CRM_MANAGER: CaseRoute.CRM, roles.CENTRES_MANAGER: CaseRoute.CENTRES}
# Roles reading every department's reviews: the quality officer (every case), the
# sub-council secretary (decides on the recommendations raised from them).
_READ_ALL_ROLES = {roles.QUALITY_OFFICER, roles.COUNCIL_SECRETARY}


# --- weeks --------------------------------------------------------------------------------


def week_start_of(day: datetime.date) -> datetime.date:
    """The Sunday of the week containing `day`."""
    return day - datetime.timedelta(days=(day.weekday() + 1) % 7)


def is_week_start(day: datetime.date) -> bool:
    return day.weekday() == 6


def current_week() -> datetime.date:
    return week_start_of(timezone.localdate())


def week_end(week_start: datetime.date) -> datetime.date:
    """The Thursday that ends the working week."""
    return week_start + datetime.timedelta(days=WORKING_WEEK_DAYS - 1)


def week_deadline(
    week_start: datetime.date, holidays: set[datetime.date] | None = None
) -> datetime.datetime | None:
    """The end of the week's last working day (Thursday unless a holiday), as an aware
    datetime; None for a week wholly on holiday."""
    last = week_end(week_start)
    if holidays is None:
        holidays = holidays_between(week_start, last)
    day = last
    while day >= week_start:
        if is_working_day(day, holidays):
            return timezone.make_aware(
                datetime.datetime.combine(day, datetime.time.max),
                timezone.get_default_timezone(),
            )
        day -= datetime.timedelta(days=1)
    return None


def week_label(week_start: datetime.date) -> str:
    """ "8 – 12 نوفمبر 2026": the working days of the week, with month names."""
    return _("%(start)s to %(end)s") % {
        "start": formats.date_format(week_start, "j F"),
        "end": formats.date_format(week_end(week_start), "j F Y"),
    }


def _local_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone()
    )


def schedule_start(department: str) -> datetime.date:
    """The first week the department's register is reviewed: its schedule's week, or this
    week when no schedule was set (nothing missed before)."""
    starts_on = (
        RegisterReviewSchedule.objects.filter(department=department)
        .values_list("starts_on", flat=True)
        .first()
    )
    return week_start_of(starts_on) if starts_on else current_week()


def first_due_week(department: str, user: User | None = None) -> datetime.date:
    """The first week a review is due: the department's start, or later for a manager who
    joined after it."""
    start = schedule_start(department)
    if user is not None and user.date_joined:
        joined = timezone.localtime(user.date_joined).date()
        start = max(start, week_start_of(joined))
    return start


# --- who reviews, who reads ---------------------------------------------------------------


def departments_reviewed_by(user: User | AnonymousUser) -> list[str]:
    """The departments whose weekly review this user records: the CRM manager the CRM
    department's, the centres-affairs manager centres affairs'."""
    if not user.is_authenticated or not user.has_perm("complaints.add_registerreview"):
        return []
    if user.is_superuser:
        return list(DEPARTMENTS)
    held = {_MANAGER_DEPARTMENTS[r] for r in roles.user_roles(user) if r in _MANAGER_DEPARTMENTS}
    return [department for department in DEPARTMENTS if department in held]


def departments_visible_to(user: User | AnonymousUser) -> list[str]:
    """The departments whose reviews this user reads: every one for the quality officer
    and the sub-council secretary; their own for a department manager."""
    if not user.is_authenticated or not user.has_perm("complaints.view_registerreview"):
        return []
    if user.is_superuser or set(roles.user_roles(user)) & _READ_ALL_ROLES:
        return list(DEPARTMENTS)
    held = {_MANAGER_DEPARTMENTS[r] for r in roles.user_roles(user) if r in _MANAGER_DEPARTMENTS}
    return [department for department in DEPARTMENTS if department in held]


def reviews_visible_to(user: User | AnonymousUser) -> QuerySet[RegisterReview]:
    return RegisterReview.objects.filter(department__in=departments_visible_to(user))


# --- the register's figures ---------------------------------------------------------------


@dataclass(frozen=True)
class WeekFigures:
    received: int
    closed: int
    open: int
    overdue: int


def week_figures(
    department: str, week_start: datetime.date, now: datetime.datetime | None = None
) -> WeekFigures:
    """The department's register for the week: cases received and closed during the week
    (Sunday to Saturday), and the cases open and overdue now."""
    now = now or timezone.now()
    start, end = _local_start(week_start), _local_start(week_start + datetime.timedelta(days=7))
    cases = Case.objects.filter(routed_to=department).order_by()
    open_cases = cases.filter(state__in=OPEN_STATES)
    return WeekFigures(
        received=cases.filter(received_at__gte=start, received_at__lt=end).count(),
        closed=cases.filter(closed_at__gte=start, closed_at__lt=end).count(),
        open=open_cases.count(),
        overdue=open_cases.filter(due_at__lt=now).count(),
    )


# --- the weeks and their state ------------------------------------------------------------


@dataclass
class Week:
    department: str
    week_start: datetime.date
    deadline: datetime.datetime | None
    review: RegisterReview | None
    state: str  # reviewed, late, due, missed, no_working_day

    @property
    def label(self) -> str:
        return week_label(self.week_start)

    @property
    def url(self) -> str:
        return reverse(
            "complaints:register_review", args=[self.department, self.week_start.isoformat()]
        )


def _state(
    deadline: datetime.datetime | None, review: RegisterReview | None, now: datetime.datetime
) -> str:
    if review is not None:
        return "late" if review.is_late else "reviewed"
    if deadline is None:
        return "no_working_day"
    return "missed" if deadline < now else "due"


def weeks_of(
    department: str,
    first_week: datetime.date,
    last_week: datetime.date,
    now: datetime.datetime | None = None,
) -> list[Week]:
    """Every week of the department from last_week back to first_week (newest first),
    each with its deadline, its review if recorded, and its state. Two queries."""
    now = now or timezone.now()
    if last_week < first_week:
        return []
    holidays = holidays_between(first_week, week_end(last_week))
    recorded = {
        review.week_start: review
        for review in RegisterReview.objects.filter(
            department=department, week_start__range=(first_week, last_week)
        ).select_related("reviewer")
    }
    weeks = []
    week = last_week
    while week >= first_week:
        deadline = week_deadline(week, holidays)
        review = recorded.get(week)
        weeks.append(Week(department, week, deadline, review, _state(deadline, review, now)))
        week -= datetime.timedelta(weeks=1)
    return weeks


# --- the service --------------------------------------------------------------------------


def register_review_record(
    *, actor: User, week_start: datetime.date, findings: str, department: str | None = None
) -> RegisterReview:
    """A department manager records the week's review of their department's register:
    the findings, with the register's figures shown to them. One review per department and
    week; a missed week can still be reviewed, and shows as late."""
    if not actor.has_perm("complaints.add_registerreview"):
        raise PermissionDenied
    departments = departments_reviewed_by(actor)
    if department is None and len(departments) == 1:
        department = departments[0]
    if department not in departments:
        raise PermissionDenied
    findings = (findings or "").strip()
    if not findings:
        raise RegisterReviewError(_("Write what you found in the register this week."))
    if not is_week_start(week_start):
        raise RegisterReviewError(_("A week starts on a Sunday."))
    if week_start > current_week():
        raise RegisterReviewError(_("This week has not started yet."))
    if week_start < schedule_start(department):
        raise RegisterReviewError(_("This week is before the weekly reviews started."))
    figures = week_figures(department, week_start)
    try:
        with transaction.atomic():
            return RegisterReview.objects.create(
                department=department,
                week_start=week_start,
                reviewer=actor,
                reviewed_at=timezone.now(),
                findings=findings,
                received_count=figures.received,
                closed_count=figures.closed,
                open_count=figures.open,
                overdue_count=figures.overdue,
                deadline=week_deadline(week_start),
            )
    except IntegrityError as error:
        # The review recorded meanwhile, whose insert made this one fail.
        existing = cast(
            RegisterReview,
            RegisterReview.objects.filter(department=department, week_start=week_start)
            .select_related("reviewer")
            .first(),
        )
        name = existing.reviewer.get_full_name() or existing.reviewer.get_username()
        raise RegisterReviewError(
            _("This week was already reviewed by %(name)s. Reload the page to see it.")
            % {"name": name}
        ) from error


# --- my work ------------------------------------------------------------------------------


def register_reviews_due(user: User) -> mywork.WorkSection | None:
    """For a department manager: this week's review (due by the end of its last working
    day) and the weeks missed since the reviews started, or since they joined."""
    departments = departments_reviewed_by(user)
    if not departments:
        return None
    items = []
    this_week = current_week()
    for department in departments:
        label = CaseRoute(department).label
        weeks = [
            week
            for week in weeks_of(department, first_due_week(department, user), this_week)
            if week.state in ("due", "missed")
        ]
        for week in weeks[: MISSED_SHOWN + 1]:
            detail = _("Missed") if week.state == "missed" else _("This week")
            items.append(
                mywork.WorkItem(
                    title=_("Review of the register, week of %(week)s") % {"week": week.label},
                    url=week.url,
                    due=week.deadline,
                    detail=f"{label} · {detail}",
                )
            )
    if not items:
        return None
    # Due and missed weeks have a working day, so a deadline.
    items.sort(key=lambda item: cast(datetime.datetime, item.due), reverse=True)
    return mywork.WorkSection(
        title=_("Weekly reviews of the complaints register"),
        items=items,
        list_url=reverse("complaints:register_reviews"),
    )
