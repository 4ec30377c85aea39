"""Dates shown the way the association writes them: Gregorian with the Hijri (Umm al-Qura)
date beside it. Used by the `dates` template filters and by Python code (PDFs, emails)."""

import functools
import re
from collections.abc import Iterable
from datetime import date, datetime, tzinfo
from typing import Literal

from django.utils import formats, timezone
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _
from hijridate import Gregorian

from .text import normalize_digits

# Languages hijridate has month names and an era notation for.
HijriLanguage = Literal["en", "ar", "bn", "tr"]
HIJRIDATE_LANGUAGES: tuple[HijriLanguage, ...] = ("en", "ar", "bn", "tr")


def _local(value: date | datetime, zone: tzinfo | None = None) -> date | datetime:
    """Aware datetimes in local time (Asia/Riyadh, or `zone`, the current time zone already
    read); dates and naive datetimes as they are."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value, zone)
    return value


def hijri_language() -> HijriLanguage:
    """The active language if hijridate names months in it, else English."""
    return _hijri_language(get_language())


def _hijri_language(language: str | None) -> HijriLanguage:
    language = (language or "en").split("-")[0].lower()
    return next((known for known in HIJRIDATE_LANGUAGES if known == language), "en")


def format_hijri(value: date | datetime | None) -> str:
    """The Hijri date, e.g. "11 جمادى الآخرة 1448 هـ" in Arabic or
    "11 Jumada al-Akhirah 1448 AH" in English; "" when empty or outside hijridate's range."""
    if not isinstance(value, date):
        return ""
    return _hijri_of(_local(value), get_language())


def _hijri_of(local_value: date, language: str | None) -> str:
    return _hijri_day(
        local_value.year, local_value.month, local_value.day, _hijri_language(language)
    )


# A list names the same few days again and again (each row's date twice, in the text and
# in its title): the texts of a calendar day are kept per language, the time added apart.
@functools.lru_cache(maxsize=4096)
def _hijri_day(year: int, month: int, day: int, language: HijriLanguage) -> str:
    try:
        hijri = Gregorian(year, month, day).to_hijri()
    except (OverflowError, ValueError):
        return ""
    return f"{hijri.day} {hijri.month_name(language)} {hijri.year} {hijri.notation(language)}"


@functools.lru_cache(maxsize=4096)
def _gregorian_day(day: date, language: str | None) -> str:
    """ "6 ديسمبر 2026" in `language`, the active one when called (the key of the cache)."""
    return formats.date_format(day, "j F Y")


def format_gregorian_hijri(value: date | datetime | None, with_time: bool | None = None) -> str:
    """E.g. "21 نوفمبر 2026 14:05 (11 جمادى الآخرة 1448 هـ)".

    with_time defaults to True for datetimes and False for dates. The Hijri part is left out
    when the date is outside hijridate's supported range.
    """
    if not isinstance(value, date):
        return ""
    local_value = _local(value)
    if with_time is None:
        with_time = isinstance(value, datetime)
    text = formats.date_format(local_value, "j F Y")
    if with_time and isinstance(local_value, datetime):
        text += " " + formats.time_format(local_value, "H:i")
    hijri = format_hijri(local_value)
    return f"{text} ({hijri})" if hijri else text


# --- the compact style of lists and cards -------------------------------------------------
# One line, "6 ديسمبر 2026" (Western digits, as every number in the site: core.numbers); the
# time, the Hijri date and the relative time ("منذ 3 أيام") go in the title, shown on hover
# and read by screen readers. Rendered by the `compact_date` filter (core/templatetags/dates).

# Relative time is shown instead of the date ("relative" style) up to this many days away.
RELATIVE_DAYS = 7


def format_compact_date(value: date | datetime | None, with_time: bool = False) -> str:
    """ "6 ديسمبر 2026", or "6 ديسمبر 2026 14:05" with the time of a datetime; "" if empty."""
    if not isinstance(value, date):
        return ""
    day_text, with_time_text = _day_and_time(_local(value), get_language())
    return with_time_text if with_time else day_text


def _day_and_time(local_value: date, language: str | None) -> tuple[str, str]:
    """("6 ديسمبر 2026", "6 ديسمبر 2026 14:05") of a local date or datetime (a date has no
    time: the two are the same)."""
    day = local_value.date() if isinstance(local_value, datetime) else local_value
    text = _gregorian_day(day, language)
    if isinstance(local_value, datetime):
        return text, f"{text} {local_value.hour:02d}:{local_value.minute:02d}"
    return text, text


def format_relative(
    value: date | datetime | None, now: datetime | None = None, *, days: int | None = None
) -> str:
    """ "اليوم" / "أمس" / "غدًا" / "منذ 3 أيام" / "بعد 5 أيام" (whole calendar days in
    Riyadh; minutes and hours for a datetime of the last day). "" for an empty value or, when
    `days` is given, one more than `days` days away."""
    if not isinstance(value, date):
        return ""
    return _relative(_local(value), timezone.localtime(now or timezone.now()), days)


def _relative(local_value: date, now: datetime, days: int | None) -> str:
    """format_relative of a value already in local time, `now` too."""
    if isinstance(local_value, datetime):
        day = local_value.date()
        seconds = (now - local_value).total_seconds() if timezone.is_aware(local_value) else None
        if seconds is not None and 0 <= seconds < 24 * 3600:
            if seconds < 60:
                return pgettext("relative time", "just now")
            minutes = int(seconds // 60)
            if minutes < 60:
                return ngettext("%(count)d minute ago", "%(count)d minutes ago", minutes) % {
                    "count": minutes
                }
            hours = minutes // 60
            return ngettext("%(count)d hour ago", "%(count)d hours ago", hours) % {"count": hours}
    else:
        day = local_value
    delta = (day - now.date()).days
    if days is not None and abs(delta) > days:
        return ""
    if delta == 0:
        return pgettext("relative time", "today")
    if delta == -1:
        return pgettext("relative time", "yesterday")
    if delta == 1:
        return pgettext("relative time", "tomorrow")
    if delta < 0:
        return ngettext("%(count)d day ago", "%(count)d days ago", -delta) % {"count": -delta}
    return ngettext("in %(count)d day", "in %(count)d days", delta) % {"count": delta}


def date_details(value: date | datetime | None, now: datetime | None = None) -> str:
    """The secondary text of a compact date, for its title: "6 ديسمبر 2026 14:05 · 25 جمادى
    الآخرة 1448 هـ · منذ 3 أيام" (time for datetimes, Hijri when in range, relative time)."""
    if not isinstance(value, date):
        return ""
    return _details(_local(value), timezone.localtime(now or timezone.now()), get_language())


def _details(local_value: date, now: datetime, language: str | None) -> str:
    _day_text, with_time = _day_and_time(local_value, language)
    parts = (with_time, _hijri_of(local_value, language), _relative(local_value, now, None))
    return " · ".join(part for part in parts if part)


def compact_date_texts(value: date, style: str = "") -> tuple[str, str, str]:
    """What the `compact_date` filter writes: (the ISO date of the `datetime` attribute, the
    details of the title, the text shown; `style` "", "time" or "relative"). The value is
    put in local time, and the language and the time read, once: a list draws dozens of
    dates, and each of the functions above does all three again."""
    zone, language = timezone.get_current_timezone(), get_language()
    local_value = _local(value, zone)
    now = timezone.now().astimezone(zone)
    shown = _relative(local_value, now, RELATIVE_DAYS) if style == "relative" else ""
    if not shown:
        day_text, with_time = _day_and_time(local_value, language)
        shown = with_time if style == "time" else day_text
    return _iso(local_value), _details(local_value, now, language), shown


def format_compact_period(start: date | None, end: date | None) -> str:
    """A period on one line, the shared parts written once: "1–31 أكتوبر 2026",
    "26 أكتوبر – 1 نوفمبر 2026", "28 ديسمبر 2026 – 3 يناير 2027"; "" when a bound is empty."""
    if not isinstance(start, date) or not isinstance(end, date):
        return ""
    start, end = _local(start), _local(end)
    if start == end:
        return format_compact_date(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{format_compact_date(end)}"
    if start.year == end.year:
        return f"{formats.date_format(start, 'j F')} – {format_compact_date(end)}"
    return f"{format_compact_date(start)} – {format_compact_date(end)}"


def iso_datetime(value: date | datetime) -> str:
    """The machine-readable `datetime` attribute of <time>: local ISO 8601 with the offset."""
    return _iso(_local(value))


def _iso(local_value: date) -> str:
    if isinstance(local_value, datetime):
        return local_value.isoformat(timespec="minutes")
    return local_value.isoformat()


# --- reading dates as Saudi users write them ------------------------------------------------

# Years read as Hijri: 13xx to 15xx. 1318 AH began in 1900; the Umm al-Qura tables of
# hijridate cover 1343 to 1500 AH (1924 to 2077).
HIJRI_YEARS = range(1300, 1600)
EARLIEST_HIJRI_YEAR = 1318
EARLIEST_DATE = date(1900, 1, 1)
# A bare number read as Excel's serial day number (1900 calendar): five digits, 1927 to
# 2173. A smaller number in a date column is more likely an amount or a code than a date.
EXCEL_SERIALS = range(10_000, 100_000)
# A future date, where the field allows one, is at most this many years ahead.
FUTURE_YEARS = 100

_INVISIBLE_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"))
_HIJRI_MARKS = ("هـ", "ھ", "ه", "AH", "A.H.", "A.H")
_GREGORIAN_MARKS = ("م", "AD", "CE")
_DATE_TEXT = re.compile(r"^(\d{1,4})\s*[/\-.\\]\s*(\d{1,2})\s*[/\-.\\]\s*(\d{1,4})$")


class DateParseError(ValueError):
    """A date that cannot be read, or should not be; `message` is for the user (translated
    in the active language)."""

    def __init__(self, message: object) -> None:
        super().__init__(message)
        self.message = str(message)

    def __str__(self) -> str:
        return self.message


def parse_saudi_date(value: object, *, today: date, future: bool = False) -> date | None:
    """A date from a spreadsheet cell or a form, as Saudi users write them.

    - a real date or datetime cell, or an Excel serial day number (45842);
    - a Hijri date, converted with the Umm al-Qura calendar: a year from 1300 to 1599, in
      any digits, year first or last, separated by / - or . ("١٤٤٦/٠٩/١٥", "15-9-1446 هـ");
    - a Gregorian date written day first ("04/07/2025", "04/07/25" is 4 July) or ISO
      ("2025-07-04").

    Empty gives None. Raises DateParseError for anything else: a month above 12 (a date
    written month first), a day the month does not have, a year before 1900 (1318 AH), a
    date in the future unless `future` is true, a two-digit year whose reading is not sure.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return _checked(value.date(), today=today, future=future)
    if isinstance(value, date):
        return _checked(value, today=today, future=future)
    if isinstance(value, bool):
        raise _not_a_date(value)
    if isinstance(value, int | float):
        return _checked(_excel_day(value, value), today=today, future=future)
    text = normalize_digits(str(value)).translate(_INVISIBLE_MARKS).strip()
    if not text:
        return None
    if text.isdigit():
        if len(text) == 5:
            return _checked(_excel_day(int(text), value), today=today, future=future)
        raise _not_a_date(value)
    return _checked(_date_from_text(text, value, today, future), today=today, future=future)


def _excel_day(serial: float, original: object) -> date:
    from openpyxl.utils.datetime import from_excel

    if int(serial) != serial or int(serial) not in EXCEL_SERIALS:
        raise _not_a_date(original)
    return from_excel(int(serial)).date()


def _without_mark(text: str, marks: Iterable[str]) -> tuple[str, bool]:
    for mark in marks:
        if text.endswith(mark):
            return text[: -len(mark)].strip(), True
    return text, False


def _date_from_text(text: str, original: object, today: date, future: bool) -> date:
    # "2025-07-04 00:00:00" or "2025-07-04T10:30": the date part is enough.
    text = re.split(r"[ T](?=\d{1,2}:\d{2})", text, maxsplit=1)[0].strip()
    text, hijri_mark = _without_mark(text, _HIJRI_MARKS)
    if not hijri_mark:
        text, _gregorian_mark = _without_mark(text, _GREGORIAN_MARKS)
    match = _DATE_TEXT.match(text)
    if not match:
        raise _not_a_date(original)
    first, middle, last = match.groups()
    if len(first) >= 3:
        year_text, month, day = first, int(middle), int(last)
    elif len(last) >= 3 or len(last) == 2:
        day, month, year_text = int(first), int(middle), last
    else:
        raise _not_a_date(original)
    if not 1 <= month <= 12:
        raise DateParseError(
            _(
                "“%(value)s”: there is no month %(month)s. Write the day first, then the "
                "month: DD/MM/YYYY."
            )
            % {"value": original, "month": month}
        )
    year = int(year_text)
    if len(year_text) <= 2:
        year = _two_digit_year(year, hijri_mark, original, today, future)
    if year in HIJRI_YEARS:
        return _from_hijri(year, month, day, original)
    if hijri_mark:
        raise _not_a_date(original)
    if year < EARLIEST_DATE.year:
        raise _too_early(original)
    try:
        return date(year, month, day)
    except ValueError:
        raise DateParseError(
            _("“%(value)s” is not a valid date: that month has no day %(day)s.")
            % {"value": original, "day": day}
        ) from None


def _two_digit_year(
    year: int, hijri_mark: bool, original: object, today: date, future: bool
) -> int:
    """ "25" is 2025; "46هـ" is 1446 AH; a year that would be after this one is ambiguous
    (1946, 2046 or 1446 AH?) and must be written in full, unless the field takes future
    dates (then 20yy)."""
    if hijri_mark:
        return 1400 + year
    full = 2000 + year
    if full > today.year and not future:
        raise DateParseError(
            _(
                "“%(value)s”: a two-digit year can be read in more than one way here. "
                "Write the year with four digits."
            )
            % {"value": original}
        )
    return full


def _from_hijri(year: int, month: int, day: int, original: object) -> date:
    from hijridate import Hijri

    if year < EARLIEST_HIJRI_YEAR:
        raise _too_early(original)
    try:
        return Hijri(year, month, day).to_gregorian()
    except OverflowError:
        raise DateParseError(
            _(
                "“%(value)s”: Hijri dates can be converted from 1343 to 1500 AH only (Umm "
                "al-Qura calendar). Write the Gregorian date."
            )
            % {"value": original}
        ) from None
    except ValueError:
        raise DateParseError(
            _("“%(value)s” is not a valid Hijri date: that month has no day %(day)s.")
            % {"value": original, "day": day}
        ) from None


def _checked(day: date, *, today: date, future: bool) -> date:
    if day < EARLIEST_DATE:
        raise _too_early(day.isoformat())
    if not future and day > today:
        raise DateParseError(
            _("The date %(date)s is in the future.") % {"date": format_gregorian_hijri(day)}
        )
    if future and day.year > today.year + FUTURE_YEARS:
        raise DateParseError(
            _("The date %(date)s is too far in the future.") % {"date": day.isoformat()}
        )
    return day


def _too_early(original: object) -> DateParseError:
    return DateParseError(
        _("“%(value)s”: dates before 1900 (1318 AH) are not accepted.") % {"value": original}
    )


def _not_a_date(original: object) -> DateParseError:
    return DateParseError(
        _(
            "“%(value)s” is not a date. Write it day first as DD/MM/YYYY (15/03/2025), as "
            "YYYY-MM-DD, or as a Hijri date such as 15/09/1446."
        )
        % {"value": original}
    )
