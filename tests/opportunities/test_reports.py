"""The weekly opportunity figures (manual 3.1.15): counts per state, the week's movements in
Riyadh time, the weighted pipeline, stale opportunities and pledges not yet received."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from opportunities import services
from opportunities.models import Opportunity, OpportunityTransition
from opportunities.reports import week_bounds, weekly_opportunity_figures

from .conftest import days_ago, donation, in_closing, in_follow_up, new_opportunity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "media_root")]

RIYADH = ZoneInfo("Asia/Riyadh")
WEEK = datetime.date(2025, 1, 5)  # a Sunday, well before the opportunities made "now"


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=RIYADH)


def created_at(opportunity, when):
    Opportunity.objects.filter(pk=opportunity.pk).update(created_at=when)


def moved_at(opportunity, target, when):
    OpportunityTransition.objects.filter(opportunity=opportunity, target=target).update(at=when)


def test_the_week_runs_from_riyadh_midnight_to_midnight():
    start, end = week_bounds(WEEK)
    assert start == datetime.datetime(2025, 1, 4, 21, 0, tzinfo=datetime.UTC)
    assert end - start == datetime.timedelta(days=7)


def test_weekly_figures(people, donors, programme, django_assert_num_queries):
    last_day = WEEK + datetime.timedelta(days=6)
    next_sunday = WEEK + datetime.timedelta(days=7)

    # Opened: just inside both ends of the week, and one just after it.
    early = new_opportunity(people, programme, expected_amount=Decimal("100000"), probability=40)
    created_at(early, at(WEEK, 0, 30))  # Saturday 21:30 UTC, still this week in Riyadh
    late = new_opportunity(people, programme, expected_amount=Decimal("50000"), probability=10)
    created_at(late, at(last_day, 23, 59))
    after = new_opportunity(people, programme, expected_amount=Decimal("0"), probability=90)
    created_at(after, at(next_sunday, 0, 5))

    # Moves during the week, and one the week before.
    closing = in_closing(people, programme, donors, amount=Decimal("80000"))
    moved_at(closing, "closing", at(WEEK, 10))
    donation(donors["free"], programme, "30000")
    old_closing = in_closing(people, programme, donors, amount=Decimal("20000"))
    moved_at(old_closing, "closing", at(WEEK - datetime.timedelta(days=1), 23, 0))
    Opportunity.objects.filter(pk=old_closing.pk).update(expected_amount=Decimal("1000"))
    won = in_closing(people, programme, donors, amount=Decimal("1000"))
    services.opportunity_mark_successful(
        opportunity=won, actor=people["manager"], override_reason="نقداً"
    )
    moved_at(won, "closing", at(WEEK, 9))
    moved_at(won, "successful", at(WEEK + datetime.timedelta(days=2), 12))
    dropped = in_follow_up(people, programme, donors)
    services.opportunity_cancel(opportunity=dropped, actor=people["manager"], reason="اعتذر")
    moved_at(dropped, "cancelled", at(last_day, 18))

    stale = new_opportunity(people, programme, title="فرصة منسية", probability=0)
    Opportunity.objects.filter(pk=stale.pk).update(last_activity_at=days_ago(9))

    with django_assert_num_queries(6):
        figures = weekly_opportunity_figures(WEEK)

    assert figures["week_start"] == WEEK and figures["week_end"] == last_day
    assert figures["state_counts"] == {
        "identification": 4,
        "follow_up": 0,
        "closing": 2,
        "successful": 1,
        "cancelled": 1,
    }
    assert figures["opened"] == 2
    assert (figures["closed"], figures["successful"], figures["cancelled"]) == (2, 1, 1)
    # Open: 100000×40% + 50000×10% + 0×90% + closing 150000×40% + old 1000×40% + stale 150000×0%
    assert figures["weighted_pipeline"] == Decimal("105400.00")
    assert figures["pipeline_total"] == Decimal("451000.00")
    assert [opportunity.title for opportunity in figures["stale"]] == ["فرصة منسية"]
    outstanding = {
        opportunity.pk: (opportunity.received_amount, opportunity.outstanding_amount)
        for opportunity in figures["pledges_not_received"]
    }
    # Both pledges are from the same donor for the same programme: the 30,000 covers the
    # older 20,000 pledge, not the 80,000 one.
    assert outstanding == {closing.pk: (Decimal("30000"), Decimal("50000"))}


def test_a_fully_received_pledge_is_not_listed(people, donors, programme):
    opportunity = in_closing(people, programme, donors, amount=Decimal("5000"))
    donation(donors["free"], programme, "5000")
    assert weekly_opportunity_figures(WEEK)["pledges_not_received"] == []
    Opportunity.objects.filter(pk=opportunity.pk).update(pledged_amount=Decimal("7000"))
    [pending] = weekly_opportunity_figures(WEEK)["pledges_not_received"]
    assert pending.outstanding_amount == Decimal("2000")


def test_an_empty_database_gives_zeros():
    figures = weekly_opportunity_figures(WEEK)
    assert set(figures["state_counts"].values()) == {0}
    assert figures["opened"] == figures["closed"] == figures["successful"] == 0
    assert figures["weighted_pipeline"] == Decimal("0.00")
    assert figures["stale"] == [] and figures["pledges_not_received"] == []
