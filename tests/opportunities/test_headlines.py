"""The pipeline and donations headline figures on "عملي" (core.dashboard, issue 12 item 11)."""

from decimal import Decimal

import pytest

from finance.registrations import donations_to_match_headline
from opportunities import services
from opportunities.registrations import pipeline_headline
from opportunities.selectors import open_pipeline_by_state

from .conftest import donation, in_closing, new_opportunity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "media_root")]


def test_pipeline_and_weighted_pipeline_by_state(people, programme, donors):
    new_opportunity(people, programme, expected_amount=Decimal("100000"), probability=40)
    new_opportunity(people, programme, expected_amount=Decimal("50000"), probability=10)
    in_closing(people, programme, donors)  # expected 150,000 at 40 %
    cancelled = new_opportunity(people, programme, expected_amount=Decimal("999000"))
    services.opportunity_cancel(opportunity=cancelled, actor=people["manager"], reason="لا")

    rows = {row.state: row for row in open_pipeline_by_state()}
    assert list(rows) == ["identification", "follow_up", "closing"]
    assert (rows["identification"].count, rows["identification"].total) == (2, 150000)
    assert rows["identification"].weighted == Decimal("45000")  # 40,000 + 5,000
    assert (rows["follow_up"].count, rows["follow_up"].total) == (0, 0)
    assert (rows["closing"].count, rows["closing"].weighted) == (1, Decimal("60000"))

    headline = pipeline_headline(people["manager"])
    assert headline.value == "300,000"
    assert "105,000" in headline.detail and "3 open opportunities" in headline.detail
    assert headline.url == "/opportunities/"
    assert [bar.value for bar in headline.chart.bars] == [150000, 0, 150000]


def test_pipeline_is_for_those_who_read_opportunities(people):
    assert pipeline_headline(people["centres"]) is None
    assert pipeline_headline(people["secretary"]) is not None


def test_donations_to_match(people, programme, donors):
    donation(donors["free"], programme, "100")
    donation(None, programme, "200")
    donation(donors["free"], None, "300")
    headline = donations_to_match_headline(people["manager"])
    assert headline.value == "2"
    assert donations_to_match_headline(people["management"]) is None
