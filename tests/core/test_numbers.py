"""One policy for numbers (issue 12 item 8): Western digits, "." decimals, "," thousands, in
both languages, in templates as in Python (PDFs, XLSX)."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from core.numbers import format_amount, format_number, format_percent, format_riyals


def _render(text, **context):
    return Template("{% load numbers %}" + text).render(Context(context))


def test_numbers():
    assert format_number(1234567) == "1,234,567"
    assert format_number(Decimal("12500.5"), 2) == "12,500.50"
    assert format_number(35.04, 1) == "35.0"
    assert format_number(None) == "—"
    assert format_number("abc") == "abc"


def test_amounts_percentages_and_budgets():
    assert format_amount(1500) == "1,500.00"
    assert format_amount(Decimal("0.5")) == "0.50"
    assert format_percent(35) == "35.0%"
    assert format_percent(None) == "—"
    assert format_riyals(120000) == "120,000"
    assert format_riyals("1500.5") == "1,500.50"


@pytest.mark.parametrize("language", ["ar", "en"])
def test_django_formats_agree_in_both_languages(language):
    with translation.override(language):
        assert formats.number_format(Decimal("35.0"), 1) == "35.0"
        assert formats.number_format(12500, force_grouping=True) == "12,500"
        rendered = Template("{% load humanize %}{{ v|floatformat:1 }} {{ n|intcomma }}").render(
            Context({"v": 35, "n": 12500})
        )
        assert rendered == "35.0 12,500"


@pytest.mark.parametrize("language", ["ar", "en"])
def test_filters(language):
    with translation.override(language):
        assert _render("{{ v|amount }}", v=Decimal("12500.5")) == "12,500.50"
        assert _render("{{ v|number }}", v=12500) == "12,500"
        assert _render("{{ v|percent }}", v=35) == "35.0%"
        assert _render("{{ v|riyals }}", v=Decimal("120000.00")) == "120,000"
        assert _render("{{ v|mobile }}", v="+966512345678") == "051 234 5678"
        assert _render("{{ v|mobile }}", v="") == "—"


def test_no_arabic_indic_digit_is_written():
    text = format_amount(1234567.89) + format_percent(12.5) + format_number(9876)
    assert not any("\u0660" <= char <= "\u0669" for char in text)


def test_file_sizes_use_one_spelling_of_the_units():
    from core.numbers import format_file_size

    with translation.override("ar"):
        assert format_file_size(5 * 1024 * 1024) == "5 ميجابايت"
        assert format_file_size(1572864) == "1.5 ميجابايت"
        assert format_file_size(2048) == "2 كيلوبايت"
        assert format_file_size(100) == "100 بايت"
    with translation.override("en"):
        assert format_file_size(5 * 1024 * 1024) == "5 MB"
    assert format_file_size(None) == "—"


def test_no_arabic_message_spells_megabytes_another_way():
    from pathlib import Path

    from django.conf import settings

    po = (Path(settings.BASE_DIR) / "locale/ar/LC_MESSAGES/django.po").read_text("utf-8")
    for variant in ("ميغابايت", "ميقابايت", "م.ب", "كيلو بايت"):
        assert variant not in po, variant
