"""The period a report covers, by the period of its kind (reports.kinds): a week from Sunday
to Saturday (the association's working week starts on Sunday), a calendar month or a
quarter (January-March, April-June, July-September, October-December), in Riyadh local
dates."""

import calendar
import datetime
import re

from django.utils.translation import gettext as _

from core.text import normalize_digits

from .kinds import MONTH, QUARTER, WEEK, is_registered, kind_of

# "2026-Q3", "2026 q3", "Q3-2026", "2026-3Q": the quarter's year and number.
_QUARTER = re.compile(
    r"(?:(?P<year>\d{4})\s*[-/ ]?\s*(?:[Qq](?P<q1>[1-4])|(?P<q2>[1-4])[Qq])"
    r"|[Qq](?P<q3>[1-4])\s*[-/ ]?\s*(?P<year2>\d{4}))"
)


class PeriodError(ValueError):
    """A period the user typed that cannot be used (already translated)."""


def period_kind(report_type: str) -> str:
    """week, month or quarter: the period of the report type (a month if unregistered)."""
    return kind_of(report_type).period if is_registered(report_type) else MONTH


def week_start(day):
    # Python: Monday=0 ... Sunday=6.
    return day - datetime.timedelta(days=(day.weekday() + 1) % 7)


def quarter_of(day: datetime.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first_month = 3 * (quarter - 1) + 1
    last_month = first_month + 2
    return (
        datetime.date(year, first_month, 1),
        datetime.date(year, last_month, calendar.monthrange(year, last_month)[1]),
    )


def period_of(report_type, day):
    """(first day, last day) of the period of `report_type` that contains `day`."""
    period = period_kind(report_type)
    if period == WEEK:
        start = week_start(day)
        return start, start + datetime.timedelta(days=6)
    if period == QUARTER:
        return quarter_bounds(day.year, quarter_of(day))
    start = day.replace(day=1)
    return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])


def previous_period(report_type, today):
    """The period that ended just before `today`: the week just ended on a Sunday, the
    month just ended on the 1st, the quarter just ended on the 1st of January, April, July
    and October."""
    first_day, _last_day = period_of(report_type, today)
    return period_of(report_type, first_day - datetime.timedelta(days=1))


def _parse_day(report_type, text):
    period = period_kind(report_type)
    if period == QUARTER:
        match = _QUARTER.fullmatch(text)
        if match:
            year = int(match["year"] or match["year2"])
            quarter = int(match["q1"] or match["q2"] or match["q3"])
            return quarter_bounds(year, quarter)[0]
    if period != WEEK and re.fullmatch(r"\d{4}-\d{1,2}", text):
        year, month = map(int, text.split("-"))
        return datetime.date(year, month, 1)
    return datetime.date.fromisoformat(text)


def parse_period(report_type, text, today):
    """A past period from what a user typed: 2026-10 for a month; any date of the week
    (2026-11-15) for a week; 2026-Q3 (or a month or a date in it) for a quarter. Arabic-Indic
    digits are accepted."""
    text = normalize_digits(text or "").strip()
    try:
        day = _parse_day(report_type, text)
    except ValueError as error:
        if period_kind(report_type) == QUARTER:
            message = _("Write the quarter as 2026-Q3, or as a date in the quarter (2026-08-15).")
        else:
            message = _(
                "Write the period as a month (2026-10) or as a date of the week (2026-11-15)."
            )
        raise PeriodError(message) from error
    start, end = period_of(report_type, day)
    if end >= today:
        raise PeriodError(_("A report covers a period that has ended."))
    return start, end


def is_quarter(start: datetime.date, end: datetime.date) -> bool:
    return (
        start.day == 1
        and start.month % 3 == 1
        and (start, end) == quarter_bounds(start.year, quarter_of(start))
    )


def quarter_title(start: datetime.date) -> str:
    """ "الربع الثالث 2026"."""
    names = {
        1: _("The first quarter of %(year)s"),
        2: _("The second quarter of %(year)s"),
        3: _("The third quarter of %(year)s"),
        4: _("The fourth quarter of %(year)s"),
    }
    return names[quarter_of(start)] % {"year": start.year}


def quarter_code(start: datetime.date) -> str:
    """ "2026-Q3", as typed in the web form and on the command line."""
    return f"{start.year}-Q{quarter_of(start)}"
