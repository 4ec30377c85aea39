"""Dates shown the way the association writes them: Gregorian with the Hijri (Umm al-Qura)
date beside it. Used by the `dates` template filters and by Python code (PDFs, emails)."""

from datetime import date, datetime

from django.utils import formats, timezone
from django.utils.translation import get_language
from hijridate import Gregorian

# Languages hijridate has month names and an era notation for.
HIJRIDATE_LANGUAGES = frozenset({"en", "ar", "bn", "tr"})


def _local(value: date | datetime) -> date | datetime:
    """Aware datetimes in local time (Asia/Riyadh); dates and naive datetimes as they are."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _active_language() -> str:
    return (get_language() or "en").split("-")[0].lower()


def format_hijri(value: date | datetime | None) -> str:
    """The Hijri date, e.g. "11 جمادى الآخرة 1448 هـ" in Arabic or
    "11 Jumada al-Akhirah 1448 AH" in English; "" when empty or outside hijridate's range."""
    if not isinstance(value, date):
        return ""
    local_day = _local(value)
    try:
        hijri = Gregorian(local_day.year, local_day.month, local_day.day).to_hijri()
    except (OverflowError, ValueError):
        return ""
    language = _active_language()
    if language not in HIJRIDATE_LANGUAGES:
        language = "en"
    return f"{hijri.day} {hijri.month_name(language)} {hijri.year} {hijri.notation(language)}"


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
