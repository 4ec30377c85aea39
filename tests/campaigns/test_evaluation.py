"""The campaign evaluation's figures (campaigns.evaluation, manual 3.1.9): visits and unique
visitors per placement and campaign, attributed outcomes, new customers, opportunities and
donations through the campaign's customers, spending and cost per result, targets against
results; and a number of queries that does not grow with campaigns, placements or visits."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.evaluation import ATTRIBUTION_WINDOW_DAYS, attribution_window, evaluate
from campaigns.models import Campaign, CampaignState, Channel, Placement
from complaints.models import Case
from links import services as link_services
from links.services import visits_roll_up

from .conftest import make_campaign, make_plan
from .evaluation_world import customer, donation, file_case, launched, link_of, opportunity, visit

pytestmark = pytest.mark.django_db


def test_visits_and_unique_visitors_per_placement_and_campaign(seeded):
    results = evaluate(Campaign.objects.filter(pk__in=[seeded["a"].pk, seeded["b"].pk]))
    a = results[seeded["a"].pk]
    rows = {row.placement.pk: row for row in a.placements}
    billboard, leaflet, quiet = seeded["placements"]
    assert (rows[billboard.pk].visits, rows[billboard.pk].unique_visitors) == (3, 2)
    assert (rows[leaflet.pk].visits, rows[leaflet.pk].unique_visitors) == (2, 2)
    assert (rows[quiet.pk].visits, rows[quiet.pk].unique_visitors) == (0, 0)
    # Person 1 came through both placements the same day: a visitor of each placement, and
    # the campaign's figures are the placements' sums (read from the per-day totals).
    assert (a.visits, a.unique_visitors) == (5, 4)
    b = results[seeded["b"].pk]
    assert (b.visits, b.unique_visitors) == (1, 1)


def test_visits_are_the_same_once_the_days_are_rolled_up(seeded):
    before = evaluate([seeded["a"]])[seeded["a"].pk]
    visits_roll_up(rebuild=True)
    after = evaluate([seeded["a"]])[seeded["a"].pk]
    assert (after.visits, after.unique_visitors) == (before.visits, before.unique_visitors)
    assert [(row.visits, row.unique_visitors) for row in after.placements] == [
        (row.visits, row.unique_visitors) for row in before.placements
    ]


def test_outcomes_customers_and_new_customers(seeded):
    a = evaluate([seeded["a"]])[seeded["a"].pk]
    assert [(o.key, o.count) for o in a.outcomes] == [
        ("cases", 3),
        ("survey_answers", 0),
        ("support_requests", 0),
    ]
    assert a.outcomes_total == 3
    rows = {row.placement.pk: row.outcomes for row in a.placements}
    billboard, leaflet, quiet = seeded["placements"]
    assert (rows[billboard.pk], rows[leaflet.pk], rows[quiet.pk]) == (2, 1, 0)
    # The matched customer existed before; the newcomer was recorded after the case.
    assert (a.customers_reached, a.new_customers) == (2, 1)


def test_opportunities_and_donations_of_the_campaigns_customers_within_the_window(seeded):
    a = evaluate([seeded["a"]])[seeded["a"].pk]
    today = timezone.localdate()
    assert a.window == (
        today,
        seeded["a"].ends_on + datetime.timedelta(days=ATTRIBUTION_WINDOW_DAYS),
    )
    assert a.opportunities == 2  # the one opened before the launch is not the campaign's
    assert (a.donations_count, a.donations_total) == (2, Decimal("3500"))


def test_spending_budget_and_cost_per_result(seeded):
    a = evaluate([seeded["a"]])[seeded["a"].pk]
    assert (a.budget, a.spending, a.remaining) == (
        Decimal("10000"),
        Decimal("7000"),
        Decimal("3000"),
    )
    assert a.spent_percent == 70
    assert a.cost_per_visit == Decimal("1400.00")
    assert a.cost_per_unique_visitor == Decimal("1750.00")
    assert a.cost_per_outcome == Decimal("2333.33")
    assert a.cost_per_new_customer == Decimal("7000.00")
    rows = {row.placement.pk: row.cost_per_visit for row in a.placements}
    billboard, leaflet, quiet = seeded["placements"]
    assert rows[billboard.pk] == Decimal("1666.67")
    assert rows[leaflet.pk] == Decimal("500.00")
    assert rows[quiet.pk] is None


def test_targets_against_results_and_empty_targets_have_no_percentage(seeded):
    a = evaluate([seeded["a"]])[seeded["a"].pk]
    targets = {target.key: target for target in a.targets}
    assert list(targets) == [
        "reach",
        "visits",
        "new_customers",
        "support_requests",
        "donations",
        "opportunities",
    ]
    assert (targets["reach"].result, targets["reach"].percent) == (4, 40)
    assert (targets["visits"].result, targets["visits"].percent, targets["visits"].bar) == (
        5,
        25,
        25,
    )
    assert targets["new_customers"].percent == 50
    assert (targets["donations"].percent, targets["donations"].is_money) == (70, True)
    # No target set: no percentage, not 0 %.
    assert targets["opportunities"].target is None
    assert targets["opportunities"].percent is None
    assert targets["opportunities"].result == 2
    # Support requests are counted (support registers them), none came; no target set.
    assert targets["support_requests"].result == 0
    assert targets["support_requests"].percent is None


def test_a_target_passed_shows_its_percentage_and_a_full_bar(people, agency):
    campaign = launched(people, agency, target_visits=2)
    link = link_of(campaign.placements.get())
    for visitor in (1, 2, 3):
        visit(link, visitor)
    visits = {t.key: t for t in evaluate([campaign])[campaign.pk].targets}["visits"]
    assert (visits.percent, visits.bar) == (150, 100)


def test_a_campaign_not_launched_has_zeros_and_no_window(seeded):
    c = evaluate([seeded["c"]])[seeded["c"].pk]
    assert not c.is_launched
    assert c.window is None
    assert c.placements == []
    assert (c.visits, c.unique_visitors, c.outcomes_total, c.new_customers) == (0, 0, 0, 0)
    assert (c.opportunities, c.donations_total, c.spending) == (0, Decimal(0), Decimal(0))
    assert c.cost_per_visit is None
    assert attribution_window(seeded["c"]) is None


def test_nothing_to_evaluate(db):
    assert evaluate(Campaign.objects.none()) == {}
    assert evaluate([]) == {}


def _campaigns_with_results(people, programme, count, *, placements=2, visits=3):
    """`count` launched campaigns made directly (no workflow), each with `placements`
    linked placements, `visits` visits each, a case with a new customer, a donation and
    an opportunity."""
    today = timezone.localdate()
    plan = make_plan(people) if not Campaign.objects.exists() else Campaign.objects.first().plan
    made = []
    for number in range(count):
        campaign = make_campaign(people, plan, title=f"حملة {number}")
        Campaign.objects.filter(pk=campaign.pk).update(
            state=CampaignState.LAUNCHED, launched_on=today
        )
        for index in range(placements):
            placement = Placement.objects.create(
                campaign=campaign,
                channel=Channel.SOCIAL,
                location=f"حساب {index}",
                starts_on=campaign.starts_on,
                ends_on=campaign.ends_on,
                cost=Decimal("100"),
                added_by=people["manager"],
            )
            link = link_services.link_create(
                actor=people["manager"], label=f"{number}-{index}", target="/", owner=placement
            )
            for visitor in range(visits):
                visit(link, number * 1000 + visitor)
        case = file_case(link)
        person = customer(f"عميل {number}")
        Case.objects.filter(pk=case.pk).update(customer=person)
        donation(person, programme, "100", today)
        opportunity(people["manager"], programme, pledge_donor=person, created_on=today)
        made.append(campaign.pk)
    return made


def _queries(ids):
    with CaptureQueriesContext(connection) as context:
        results = evaluate(Campaign.objects.filter(pk__in=ids))
    return len(context.captured_queries), results


def test_the_number_of_queries_does_not_grow_with_campaigns_placements_or_visits(people, programme):
    few = _campaigns_with_results(people, programme, 2, placements=1, visits=1)
    few_queries, few_results = _queries(few)
    many = few + _campaigns_with_results(people, programme, 4, placements=3, visits=4)
    many_queries, many_results = _queries(many)
    assert few_queries == many_queries
    # campaigns, placements, links, visits (the per-day totals and the days after the last
    # one rolled up together), cases, survey answers, support requests, opportunities
    # (potential and pledging) and donations together: one query per registered outcome.
    assert many_queries == 8
    # Again: the placements and their links come from the cache.
    again_queries, again_results = _queries(many)
    assert again_queries == 6
    assert again_results[many[0]].visits == many_results[many[0]].visits
    assert all(many_results[pk].new_customers == 1 for pk in many)
    assert all(many_results[pk].opportunities == 1 for pk in many)
    assert sum(r.visits for r in many_results.values()) == 2 * 1 + 4 * 3 * 4
    assert few_results[few[0]].donations_total == Decimal("100")


def test_the_cached_placements_and_links_follow_their_changes(people, programme):
    """placements_and_links is kept until a placement or a link changes: a placement added,
    its link made, its cost corrected and the placement removed are all seen at once."""
    [pk] = _campaigns_with_results(people, programme, 1, placements=1, visits=2)
    campaign = Campaign.objects.get(pk=pk)
    first = evaluate([campaign])[pk]
    assert (len(first.placements), first.spending) == (1, Decimal("100"))
    added = Placement.objects.create(
        campaign=campaign,
        channel=Channel.SOCIAL,
        location="حساب جديد",
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        cost=Decimal("50"),
        added_by=people["manager"],
    )
    second = evaluate([campaign])[pk]
    assert [row.placement.pk for row in second.placements][-1] == added.pk
    assert second.spending == Decimal("150")
    assert second.placements[-1].link is None
    link = link_services.link_create(actor=people["manager"], label="جديد", target="/", owner=added)
    visit(link, 99)
    third = evaluate([campaign])[pk]
    assert third.placements[-1].link == link
    assert third.visits == first.visits + 1
    added.cost = Decimal("80")
    added.save()
    assert evaluate([campaign])[pk].spending == Decimal("180")
    added.delete()
    assert evaluate([campaign])[pk].spending == Decimal("100")
