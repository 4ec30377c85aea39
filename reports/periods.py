"""The period a report covers: a week from Sunday to Saturday (the association's working
week starts on Sunday) or a calendar month, in Riyadh local dates."""

import calendar
import datetime
import re

from django.utils.translation import gettext as _

from core.text import normalize_digits

from .models import ReportType

WEEKLY_TYPES = {ReportType.WEEKLY_OPPORTUNITIES}


class PeriodError(ValueError):
    """A period the user typed that cannot be used (already translated)."""


def week_start(day):
    # Python: Monday=0 ... Sunday=6.
    return day - datetime.timedelta(days=(day.weekday() + 1) % 7)


def period_of(report_type, day):
    """(first day, last day) of the period of `report_type` that contains `day`."""
    if report_type in WEEKLY_TYPES:
        start = week_start(day)
        return start, start + datetime.timedelta(days=6)
    start = day.replace(day=1)
    return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])


def previous_period(report_type, today):
    """The period that ended just before `today`: the week just ended on a Sunday, the
    month just ended on the 1st."""
    first_day, _last_day = period_of(report_type, today)
    return period_of(report_type, first_day - datetime.timedelta(days=1))


def parse_period(report_type, text, today):
    """A past period from what a user typed: 2026-10 for a month; any date of the week
    (2026-11-15) for a week. Arabic-Indic digits are accepted."""
    text = normalize_digits(text or "").strip()
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}", text):
            year, month = map(int, text.split("-"))
            day = datetime.date(year, month, 1)
        else:
            day = datetime.date.fromisoformat(text)
    except ValueError as error:
        raise PeriodError(
            _("Write the period as a month (2026-10) or as a date of the week (2026-11-15).")
        ) from error
    start, end = period_of(report_type, day)
    if end >= today:
        raise PeriodError(_("A report covers a period that has ended."))
    return start, end
