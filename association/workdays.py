"""Working-day arithmetic for deadlines: Sunday to Thursday, minus public holidays."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from association.models import PublicHoliday
from core.cache import cached, register_topic

HOLIDAYS_TOPIC = "holidays"
register_topic(HOLIDAYS_TOPIC, PublicHoliday)

FRIDAY = 4
SATURDAY = 5
WEEKEND = frozenset({FRIDAY, SATURDAY})

# add_working_days reads holidays in windows this much longer than the expected span,
# so a normal call needs a single query even with long Eid holidays inside.
_EXTRA_WINDOW_DAYS = 30


def _holiday_spans() -> list[tuple[date, date]]:
    """(first day, last day) of every public holiday: a few dozen rows, read from the cache
    (core.cache topic "holidays", renewed when a holiday is saved or deleted)."""
    return cached(
        HOLIDAYS_TOPIC,
        "spans",
        lambda: list(PublicHoliday.objects.order_by().values_list("start_date", "end_date")),
    )


def holidays_between(start: date, end: date) -> set[date]:
    """Every holiday date from start to end inclusive (no query once the holidays are
    cached)."""
    holidays = set()
    for first_day, last_day in _holiday_spans():
        if first_day > end or last_day < start:
            continue
        day = max(first_day, start)
        while day <= min(last_day, end):
            holidays.add(day)
            day += timedelta(days=1)
    return holidays


def is_working_day(day: date, holidays: set[date] | None = None) -> bool:
    """True on Sunday to Thursday unless the day is a public holiday.

    Pass holidays (from holidays_between) when checking many days, to avoid a query each.
    """
    if day.weekday() in WEEKEND:
        return False
    if holidays is None:
        holidays = holidays_between(day, day)
    return day not in holidays


def _window_length(days: int) -> int:
    return days * 2 + _EXTRA_WINDOW_DAYS


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after start (start not counted).

    With days == 0, the first working day on or after start.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    window_start = start if days == 0 else start + timedelta(days=1)
    remaining = max(days, 1)
    while True:
        window_end = window_start + timedelta(days=_window_length(remaining))
        holidays = holidays_between(window_start, window_end)
        day = window_start
        while day <= window_end:
            if is_working_day(day, holidays):
                remaining -= 1
                if remaining == 0:
                    return day
            day += timedelta(days=1)
        window_start = window_end + timedelta(days=1)


def working_deadline(start: datetime, days: int) -> datetime:
    """End of the `days`-th working day after the local date of start.

    Returned as an aware datetime at 23:59:59.999999 in the local time zone (Asia/Riyadh).
    """
    local_start = timezone.localtime(start)
    deadline_day = add_working_days(local_start.date(), days)
    return timezone.make_aware(datetime.combine(deadline_day, time.max))


def working_days_between(start: date, end: date) -> int:
    """Working days after start up to and including end; 0 when end is not after start."""
    if end <= start:
        return 0
    holidays = holidays_between(start + timedelta(days=1), end)
    day_count = (end - start).days
    return sum(
        is_working_day(start + timedelta(days=offset), holidays)
        for offset in range(1, day_count + 1)
    )
