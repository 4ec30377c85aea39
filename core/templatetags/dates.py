"""Template filters for dates: {% load dates %}.

Lists, tables, cards and timelines use `compact_date`: one line, the details on hover.
Documents and the fields of a detail page may use `gregorian_hijri` (one line of text).
"""

import html
from datetime import date, datetime

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.dates import (
    compact_date_texts,
    format_compact_period,
    format_gregorian_hijri,
    format_hijri,
)

register = template.Library()

COMPACT_STYLES = ("", "time", "relative")


@register.filter
def hijri(value: date | datetime | None) -> str:
    """{{ day|hijri }} -> "11 جمادى الآخرة 1448 هـ"; "" for empty or unsupported dates."""
    return format_hijri(value)


@register.filter
def gregorian_hijri(value: date | datetime | None) -> str:
    """{{ day|gregorian_hijri }} -> "21 نوفمبر 2026 (11 جمادى الآخرة 1448 هـ)"."""
    return format_gregorian_hijri(value)


@register.filter
def compact_date(value: date | datetime | None, style: str = "") -> SafeString | str:
    """The one date style of lists and cards, on one line:

    {{ case.received_at|compact_date }}            6 ديسمبر 2026
    {{ step.at|compact_date:"time" }}              6 ديسمبر 2026 14:05
    {{ opportunity.last_activity_at|compact_date:"relative" }}
                                                   منذ 3 أيام (the date beyond a week)

    rendered as <time class="date-compact" datetime="…" title="time · Hijri · relative">.
    "" for an empty value (write `|default:"—"` after it where a dash is wanted).
    """
    if not isinstance(value, date):
        return ""
    if style not in COMPACT_STYLES:
        raise template.TemplateSyntaxError(f"compact_date: unknown style {style!r}")
    iso, details, shown = (html.escape(text) for text in compact_date_texts(value, style))
    # Plain strings, escaped as Django's escape does: a list page draws dozens, and
    # format_html costs more than the date.
    return mark_safe(  # noqa: S308 - every text is escaped above
        f'<time class="date-compact" datetime="{iso}" title="{details}">{shown}</time>'
    )


@register.filter
def compact_period(start: date | None, end: date | None) -> SafeString | str:
    """{{ report.period_start|compact_period:report.period_end }} -> "1–31 أكتوبر 2026" on one
    line, the Hijri span in the title."""
    text = format_compact_period(start, end)
    if not text or not isinstance(start, date) or not isinstance(end, date):
        return ""
    return format_html(
        '<span class="date-compact" title="{} – {}">{}</span>',
        format_hijri(start),
        format_hijri(end),
        text,
    )
