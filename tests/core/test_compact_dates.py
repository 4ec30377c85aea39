"""The one compact date style of lists and cards (issue 12 item 7): one line, the time, the
Hijri date and the relative time in the title; and no template keeps the old wrapping form
in a table cell or a list item."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation

from core.dates import (
    date_details,
    format_compact_date,
    format_compact_period,
    format_relative,
    iso_datetime,
)

# 10:00 in Riyadh on 6 December 2026 (26 Jumada al-Akhirah 1448).
NOW = datetime(2026, 12, 6, 7, 0, tzinfo=UTC)


def _render(text, **context):
    return Template("{% load dates %}" + text).render(Context(context))


def test_compact_date_in_arabic_and_english():
    with translation.override("ar"):
        assert format_compact_date(date(2026, 12, 6)) == "6 ديسمبر 2026"
        assert format_compact_date(NOW, with_time=True) == "6 ديسمبر 2026 10:00"
    with translation.override("en"):
        assert format_compact_date(date(2026, 12, 6)) == "6 December 2026"
    assert format_compact_date(None) == ""


def test_relative_days_in_arabic_with_western_digits():
    with translation.override("ar"):
        assert format_relative(date(2026, 12, 6), NOW) == "اليوم"
        assert format_relative(date(2026, 12, 5), NOW) == "أمس"
        assert format_relative(date(2026, 12, 7), NOW) == "غدًا"
        assert format_relative(date(2026, 12, 3), NOW) == "منذ 3 أيام"
        assert format_relative(date(2026, 12, 11), NOW) == "بعد 5 أيام"
        assert format_relative(date(2026, 11, 25), NOW) == "منذ 11 يومًا"


def test_relative_time_of_the_last_day_in_minutes_and_hours():
    with translation.override("en"):
        assert format_relative(datetime(2026, 12, 6, 6, 59, 30, tzinfo=UTC), NOW) == "just now"
        assert format_relative(datetime(2026, 12, 6, 6, 15, tzinfo=UTC), NOW) == "45 minutes ago"
        assert format_relative(datetime(2026, 12, 6, 2, 0, tzinfo=UTC), NOW) == "5 hours ago"
        assert format_relative(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), NOW) == "5 days ago"


def test_relative_time_is_left_out_beyond_the_limit():
    assert format_relative(date(2026, 11, 1), NOW, days=7) == ""
    assert format_relative(date(2026, 12, 1), NOW, days=7) != ""


def test_details_hold_the_time_the_hijri_date_and_the_relative_time():
    with translation.override("ar"):
        details = date_details(datetime(2026, 12, 3, 11, 5, tzinfo=UTC), NOW)
    assert details == "3 ديسمبر 2026 14:05 · 23 جمادى الآخرة 1448 هـ · منذ 3 أيام"


def test_periods_write_shared_parts_once():
    with translation.override("ar"):
        assert format_compact_period(date(2026, 10, 1), date(2026, 10, 31)) == "1–31 أكتوبر 2026"
        assert (
            format_compact_period(date(2026, 10, 26), date(2026, 11, 1))
            == "26 أكتوبر – 1 نوفمبر 2026"
        )
        assert (
            format_compact_period(date(2026, 12, 28), date(2027, 1, 3))
            == "28 ديسمبر 2026 – 3 يناير 2027"
        )
        assert format_compact_period(date(2026, 10, 1), date(2026, 10, 1)) == "1 أكتوبر 2026"
    assert format_compact_period(None, date(2026, 10, 1)) == ""


def test_iso_datetime_attribute_is_riyadh_time():
    assert iso_datetime(NOW) == "2026-12-06T10:00+03:00"
    assert iso_datetime(date(2026, 12, 6)) == "2026-12-06"


def test_the_filter_renders_one_time_element():
    with translation.override("ar"):
        html = _render("{{ value|compact_date }}", value=datetime(2026, 11, 21, 11, 5, tzinfo=UTC))
    assert html.startswith('<time class="date-compact" datetime="2026-11-21T14:05+03:00" title="')
    assert ">21 نوفمبر 2026</time>" in html
    assert "11 جمادى الآخرة 1448 هـ" in html  # in the title
    assert "<br" not in html


def test_the_filter_styles():
    moment = datetime(2026, 11, 21, 11, 5, tzinfo=UTC)
    with translation.override("en"):
        assert ">21 November 2026 14:05</time>" in _render('{{ v|compact_date:"time" }}', v=moment)
        assert ">21 November 2026</time>" in _render('{{ v|compact_date:"relative" }}', v=moment)
        assert _render('{{ v|compact_date|default:"—" }}', v=None) == "—"
        # Today in Riyadh: from 21:00 UTC the UTC date is still yesterday there.
        assert ">today</time>" in _render('{{ v|compact_date:"relative" }}', v=timezone.localdate())


def test_an_unknown_style_is_a_template_error():
    from django.template import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        _render('{{ v|compact_date:"long" }}', v=date(2026, 1, 1))


def test_the_period_filter():
    with translation.override("ar"):
        html = _render("{{ a|compact_period:b }}", a=date(2026, 10, 1), b=date(2026, 10, 31))
    assert html.startswith('<span class="date-compact" title="')
    assert ">1–31 أكتوبر 2026</span>" in html


# --- no template keeps the old wrapping dates in lists ---------------------------------------

_CELL = re.compile(r"<(td|li)\b[^>]*>(.*?)</\1>", re.S)
_OLD_DATES = re.compile(r"\|gregorian_hijri|\|hijri\b|\|date:(?!'Y-m-d')|naturaltime|timesince")


def _templates():
    base = Path(settings.BASE_DIR)
    for path in sorted(base.glob("**/templates/**/*.html")):
        parts = set(path.relative_to(base).parts)
        if parts & {".venv", "staticfiles", "node_modules", "pdf", "admin"}:
            continue
        if path.name.endswith("_pdf.html"):
            continue
        yield path.relative_to(base), path.read_text(encoding="utf-8")


def test_no_table_cell_or_list_item_uses_the_old_wrapping_dates():
    offenders = [
        f"{name}: {cell.group(0)[:120]}"
        for name, text in _templates()
        for cell in _CELL.finditer(text)
        if _OLD_DATES.search(cell.group(2)) and "blocktranslate" not in cell.group(2)
    ]
    assert offenders == [], "Use |compact_date in lists and tables:\n" + "\n".join(offenders)


def test_no_template_uses_humanize_times_or_a_line_break_between_dates():
    offenders = [
        str(name)
        for name, text in _templates()
        if re.search(r"naturaltime|naturalday|timesince|timeuntil", text)
        or re.search(r"\|compact_date[^}]*\}\}\s*<br", text)
    ]
    assert offenders == []


def test_the_texts_kept_per_day_follow_the_active_language():
    """core.dates keeps the texts of a calendar day per language: the same day read in
    Arabic then in English (then Arabic again) is named in each."""
    from core.dates import format_compact_date, format_hijri

    day = date(2026, 12, 6)
    with translation.override("ar"):
        arabic = (format_compact_date(day), format_hijri(day))
    with translation.override("en"):
        english = (format_compact_date(day), format_hijri(day))
    with translation.override("ar"):
        again = (format_compact_date(day), format_hijri(day))
    assert arabic == again == ("6 ديسمبر 2026", "26 جمادى الآخرة 1448 هـ")
    assert english == ("6 December 2026", "26 Jumada al-Akhirah 1448 AH")
