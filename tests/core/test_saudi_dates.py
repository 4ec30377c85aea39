"""Dates as Saudi users write them in spreadsheets: Hijri (Umm al-Qura) in any digits,
day-first Gregorian, ISO, Excel serials and real date cells; anything ambiguous or
implausible is refused with a message a person can act on."""

import datetime

import pytest
from django.utils import translation

from core.dates import DateParseError, parse_saudi_date

TODAY = datetime.date(2026, 11, 22)


def parse(value, **options):
    return parse_saudi_date(value, today=TODAY, **options)


@pytest.mark.parametrize(
    "text",
    [
        "١٤٤٦/٠٩/١٥",
        "1446/09/15",
        "1446-9-15",
        "1446.09.15",
        "15/09/1446",
        "١٥-٩-١٤٤٦",
        "15/9/1446 هـ",
    ],
)
def test_hijri_dates_are_converted_with_umm_al_qura(text):
    # 15 Ramadan 1446 is 15 March 2025 in the Umm al-Qura calendar.
    assert parse(text) == datetime.date(2025, 3, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("04/07/25", datetime.date(2025, 7, 4)),  # 4 July, never 7 April
        ("15/03/25", datetime.date(2025, 3, 15)),
        ("04/07/2025", datetime.date(2025, 7, 4)),
        ("٠٤/٠٧/٢٠٢٥", datetime.date(2025, 7, 4)),
        ("4-7-2025", datetime.date(2025, 7, 4)),
        ("04.07.2025", datetime.date(2025, 7, 4)),
        ("2025-07-04", datetime.date(2025, 7, 4)),
        ("2025/07/04", datetime.date(2025, 7, 4)),
        ("2025-07-04 00:00:00", datetime.date(2025, 7, 4)),
        ("2025-07-04T10:30:00", datetime.date(2025, 7, 4)),
        ("\u200f04/07/2025\u200f", datetime.date(2025, 7, 4)),
    ],
)
def test_gregorian_dates_are_read_day_first(text, expected):
    assert parse(text) == expected


def test_date_cells_and_excel_serials():
    assert parse(datetime.date(2025, 7, 4)) == datetime.date(2025, 7, 4)
    assert parse(datetime.datetime(2025, 7, 4, 13, 5)) == datetime.date(2025, 7, 4)
    assert parse(45842) == datetime.date(2025, 7, 4)
    assert parse(45842.0) == datetime.date(2025, 7, 4)
    assert parse("45842") == datetime.date(2025, 7, 4)
    assert parse("٤٥٨٤٢") == datetime.date(2025, 7, 4)


def test_empty_is_none():
    assert parse("") is None
    assert parse("   ") is None
    assert parse(None) is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("07/15/2025", "month"),  # month first (US): there is no month 15
        ("31/02/2025", "not a valid date"),
        ("30/09/1446", "not a valid Hijri date"),  # Ramadan 1446 has 29 days
        ("1899-12-31", "before 1900"),
        ("1317/01/01", "before 1900"),
        ("1700/01/01", "before 1900"),
        ("1320/01/01", "1343"),  # plausible, but outside the Umm al-Qura tables
        ("15/03", "not a date"),
        ("next Tuesday", "not a date"),
        ("2025-13-01", "month"),
        ("12345678", "not a date"),
        (500, "not a date"),  # an amount in the date column, not 14 May 1901
        (True, "not a date"),
    ],
)
def test_impossible_or_implausible_dates_are_refused(text, words):
    with translation.override("en"), pytest.raises(DateParseError) as refused:
        parse(text)
    assert words in refused.value.message


def test_future_dates_are_refused_unless_the_field_allows_them():
    with translation.override("en"), pytest.raises(DateParseError) as refused:
        parse("23/11/2026")
    assert "in the future" in refused.value.message
    assert parse("23/11/2026", future=True) == datetime.date(2026, 11, 23)
    assert parse("22/11/2026") == TODAY


def test_a_two_digit_year_that_would_be_in_the_future_is_ambiguous():
    # "15/09/46" could be 1946, 2046 or Hijri 1446: the year must be written in full.
    with translation.override("en"), pytest.raises(DateParseError) as refused:
        parse("15/09/46")
    assert "four digits" in refused.value.message
    assert parse("15/09/46", future=True) == datetime.date(2046, 9, 15)


def test_a_hijri_mark_reads_a_two_digit_year_as_hijri():
    assert parse("15/09/46 هـ") == datetime.date(2025, 3, 15)


def test_messages_are_in_arabic_for_arabic_users():
    with translation.override("ar"), pytest.raises(DateParseError) as refused:
        parse("07/15/2025")
    assert "15" in refused.value.message
    assert any("\u0600" <= letter <= "\u06ff" for letter in refused.value.message)
    assert str(refused.value) == refused.value.message
