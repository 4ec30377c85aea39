"""core.dashboard: the registry of headline figures on "عملي" and its small bar charts."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from association import roles
from core import dashboard


def test_bars_read_the_way_the_page_reads():
    points = [("يناير", 2), ("فبراير", 0), ("مارس", 4)]
    with translation.override("ar"):
        rtl = dashboard.bar_chart(points, "وصف")
    with translation.override("en"):
        ltr = dashboard.bar_chart(points)
    # Oldest on the right in Arabic, on the left in English; heights scale to the peak.
    assert [bar.x for bar in rtl.bars] == [32, 16, 0]
    assert [bar.x for bar in ltr.bars] == [0, 16, 32]
    assert [bar.height for bar in rtl.bars] == [16, 0, 32]
    assert rtl.width == 44 and rtl.height == dashboard.CHART_HEIGHT
    assert rtl.has_data and not dashboard.bar_chart([("x", 0)]).has_data
    # A small value still shows.
    assert dashboard.bar_chart([("a", 1), ("b", 1000)]).bars[0].height == 1


def test_figures_and_shares():
    assert dashboard.figure(1234567) == "1,234,567"
    assert dashboard.figure(Decimal("80000.40")) == "80,000"
    assert dashboard.percentage(0.834) == "83%"
    assert dashboard.percentage(None) == "—"


def test_recent_months_end_with_this_month():
    months = dashboard.recent_months(3, today=datetime.date(2026, 1, 15))
    assert months == [
        datetime.date(2025, 11, 1),
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
    ]


@pytest.mark.django_db
def test_registered_headlines_are_shown_in_order_to_the_headline_roles_only(client, make_user):
    def second(user):
        return dashboard.Headline(label="ثانياً", value="2", key="test_second", order=2)

    def first(user):
        return dashboard.Headline(label="أولاً", value="1", key="test_first", order=1)

    def nobody(user):
        return None

    for provider in (second, first, nobody):
        dashboard.register_headline(provider)
    try:
        client.force_login(make_user(roles.CENTRES_MANAGER))
        content = client.get(reverse("home")).content.decode()
        client.force_login(make_user(roles.CRM_STAFF))
        staff_content = client.get(reverse("home")).content.decode()
    finally:
        for provider in (second, first, nobody):
            dashboard.unregister_headline(provider)
    assert content.index('data-headline="test_first"') < content.index(
        'data-headline="test_second"'
    )
    assert 'data-headline="test_first"' not in staff_content
