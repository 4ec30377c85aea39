from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import translation
from hijridate import Gregorian

from core.dates import format_gregorian_hijri, format_hijri

# hijridate (Umm al-Qura): 2026-11-21 is 11 Jumada al-Akhirah 1448; 2026-11-11 is the 1st.
KNOWN_DAY = date(2026, 11, 21)


def _render(template_text, **context):
    return Template("{% load dates %}" + template_text).render(Context(context))


def test_known_pair_agrees_with_hijridate():
    assert Gregorian(2026, 11, 21).to_hijri().datetuple() == (1448, 6, 11)


def test_hijri_in_arabic():
    with translation.override("ar"):
        assert format_hijri(KNOWN_DAY) == "11 جمادى الآخرة 1448 هـ"
        assert format_hijri(date(2026, 11, 11)) == "1 جمادى الآخرة 1448 هـ"


def test_hijri_in_english():
    with translation.override("en"):
        assert format_hijri(KNOWN_DAY) == "11 Jumada al-Akhirah 1448 AH"


def test_gregorian_hijri_in_arabic():
    with translation.override("ar"):
        assert format_gregorian_hijri(KNOWN_DAY) == "21 نوفمبر 2026 (11 جمادى الآخرة 1448 هـ)"


def test_gregorian_hijri_in_english():
    with translation.override("en"):
        assert (
            format_gregorian_hijri(KNOWN_DAY) == "21 November 2026 (11 Jumada al-Akhirah 1448 AH)"
        )


def test_aware_datetime_is_shown_in_riyadh_time_which_may_change_the_day():
    # 21:30 UTC on 20 November is 00:30 on 21 November in Riyadh.
    late_evening_utc = datetime(2026, 11, 20, 21, 30, tzinfo=UTC)
    with translation.override("en"):
        assert format_hijri(late_evening_utc) == "11 Jumada al-Akhirah 1448 AH"
        assert (
            format_gregorian_hijri(late_evening_utc)
            == "21 November 2026 00:30 (11 Jumada al-Akhirah 1448 AH)"
        )


def test_time_can_be_left_out_of_a_datetime():
    moment = datetime(2026, 11, 21, 11, 5, tzinfo=UTC)
    with translation.override("en"):
        assert (
            format_gregorian_hijri(moment, with_time=False)
            == "21 November 2026 (11 Jumada al-Akhirah 1448 AH)"
        )


def test_out_of_range_date_gives_gregorian_only():
    with translation.override("en"):
        assert format_hijri(date(1800, 1, 1)) == ""
        assert format_gregorian_hijri(date(1800, 1, 1)) == "1 January 1800"


@pytest.mark.parametrize("empty", [None, ""])
def test_empty_values_give_empty_text(empty):
    assert format_hijri(empty) == ""
    assert format_gregorian_hijri(empty) == ""


def test_template_filters_in_arabic():
    with translation.override("ar"):
        assert _render("{{ d|gregorian_hijri }}", d=KNOWN_DAY) == (
            "21 نوفمبر 2026 (11 جمادى الآخرة 1448 هـ)"
        )
        assert _render("{{ d|hijri }}", d=KNOWN_DAY) == "11 جمادى الآخرة 1448 هـ"


def test_template_filter_with_a_datetime_in_english():
    moment = datetime(2026, 11, 21, 11, 5, tzinfo=UTC)
    with translation.override("en"):
        assert _render("{{ d|gregorian_hijri }}", d=moment) == (
            "21 November 2026 14:05 (11 Jumada al-Akhirah 1448 AH)"
        )


def test_template_filters_with_missing_values():
    assert _render("[{{ d|hijri }}][{{ d|gregorian_hijri }}]", d=None) == "[][]"
    assert _render("[{{ missing|gregorian_hijri }}]") == "[]"
