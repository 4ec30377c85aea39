"""An empty figure prints «—» alone, without its unit: a month with no case answered has no
median, and the PDF read «— ساعة» under «Time to first answer (median)»."""

import pytest
from django.utils import translation

from core.numbers import EMPTY
from reports.documents import document_for
from reports.documents.monthly_performance import hours_card
from reports.documents.weekly_opportunities import _money_and_unit
from reports.models import ReportType
from tests.customers.test_pdf import pdf_text

from .test_documents import arabic, pdf_bytes, produce

pytestmark = pytest.mark.django_db


def test_an_empty_median_has_no_unit_and_its_note_none_either():
    with translation.override("ar"):
        label, value, unit, note = hours_card("label", None, None)
        assert (value, unit) == (EMPTY, "")
        assert note == arabic("90th percentile: %(value)s") % {"value": EMPTY}
        assert arabic("hours") not in note
        label, value, unit, note = hours_card("label", 3.5, 12)
        assert (value, unit) == ("3.5", arabic("hours"))
        assert note == arabic("90th percentile: %(value)s hours") % {"value": "12.0"}


def test_an_empty_amount_has_no_currency():
    with translation.override("ar"):
        assert _money_and_unit(None) == (EMPTY, "")
        assert _money_and_unit(0) == ("0.00", arabic("SAR"))


def test_the_pdf_of_a_month_without_answers_prints_the_dash_alone(identity, tmp_path):
    report, _created = produce(ReportType.MONTHLY_PERFORMANCE, _empty_month())
    with translation.override("ar"):
        cards = document_for(report.report_type).figures(report)["cards"]
    hour_cards = [card for card in cards if card[1] == EMPTY and card[0] != arabic("Overdue cases")]
    assert len(hour_cards) >= 2
    assert all(card[2] == "" for card in cards if card[1] == EMPTY)
    text = pdf_text(pdf_bytes(report), tmp_path)
    assert arabic("Time to first answer (median)") in text
    assert arabic("90th percentile: %(value)s hours").split(":")[0] in text
    (tmp_path / "empty.pdf").write_bytes(pdf_bytes(report))
    assert arabic("hours") not in text, text


def _empty_month():
    from django.utils import timezone

    from reports.periods import previous_period

    return previous_period(ReportType.MONTHLY_PERFORMANCE, timezone.localdate())
