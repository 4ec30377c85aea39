"""The evaluation page /campaigns/<pk>/evaluation/ and the campaign page's summary card: the
figures on seeded data, empty states before the launch, no "None", the records shown only
to who may open them, and a number of queries that does not grow with the placements."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Campaign, Channel, Placement
from links import services as link_services

from .evaluation_world import launched, link_of, visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def url(campaign):
    return reverse("campaigns:campaign_evaluation", args=[campaign.pk])


def page(client, user, campaign):
    client.force_login(user)
    response = client.get(url(campaign))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_targets_results_placements_costs_and_outcomes(client, people, seeded):
    html = page(client, people["manager"], seeded["a"])
    assert "None" not in html
    # Targets against results: set, result, share reached with its bar.
    row = html.split('data-testid="target-visits"')[1].split("</tr>")[0]
    assert ">20<" in row and 'data-testid="result">5<' in row
    assert "25%" in row and "pct-25" in row
    assert "40%" in html  # reach 4 of 10
    assert "70%" in html  # donations 3,500 of 5,000, and spending 7,000 of 10,000
    # Opportunities have no target: a dash, no bar.
    row = html.split('data-testid="target-opportunities"')[1].split("</tr>")[0]
    assert 'data-testid="percent">—<' in row and "progress-bar" not in row
    # Placements with their links, visits, unique visitors and cost per visit.
    assert html.count('data-testid="placement-row"') == 3
    assert 'data-testid="total-visits">5<' in html
    assert 'data-testid="total-unique-visitors">4<' in html
    assert "1,666.67" in html and "1,400" in html
    # Budget against spending and cost per result.
    assert 'data-testid="spending">7,000<' in html
    assert 'data-testid="remaining">3,000<' in html
    assert "2,333.33" in html
    # What the visitors did, and the rule.
    assert 'data-testid="outcome-cases">3<' in html
    assert 'data-testid="new-customers">1<' in html
    assert 'data-testid="customers-reached">2<' in html
    assert 'data-testid="opportunities">2<' in html
    assert 'data-testid="donations">3,500<' in html
    assert 'data-testid="attribution-rule"' in html and "90 days" in html
    # The records, linked to their pages.
    for case in seeded["cases"]:
        assert reverse("complaints:detail", args=[case.pk]) in html
    # The short links open the link page for who may see links.
    billboard = seeded["placements"][0]
    assert "/c/" in html
    assert billboard.location in html


def test_who_may_not_open_cases_sees_the_counts_without_the_records(client, people, seeded):
    html = page(client, people["planning"], seeded["a"])
    assert 'data-testid="outcome-cases">3<' in html
    assert 'data-testid="outcome-records"' not in html
    for case in seeded["cases"]:
        assert reverse("complaints:detail", args=[case.pk]) not in html


def test_before_the_launch_an_empty_state_and_the_targets_set(client, people, seeded):
    html = page(client, people["manager"], seeded["c"])
    assert 'data-testid="evaluation-empty"' in html
    assert 'data-testid="placements"' not in html
    assert "None" not in html
    assert "0%" not in html


def test_an_overspent_campaign_says_by_how_much(client, people, agency):
    campaign = launched(people, agency, budget=Decimal("4000"))
    html = page(client, people["manager"], campaign)
    assert 'data-testid="overspent">1,000<' in html
    assert "None" not in html
    # No visit yet: no cost per visit, a dash.
    assert 'data-testid="cost-per-visit">—<' in html


def test_the_launched_campaign_page_has_a_summary_card_and_a_button(client, people, seeded):
    client.force_login(people["management"])
    html = client.get(reverse("campaigns:campaign_detail", args=[seeded["a"].pk])).content.decode()
    assert 'data-testid="evaluation-summary"' in html
    assert 'data-headline="visits"' in html and 'data-headline="cost_per_visit"' in html
    assert url(seeded["a"]) in html
    assert "None" not in html
    waiting = client.get(reverse("campaigns:campaign_detail", args=[seeded["c"].pk]))
    assert 'data-testid="evaluation-summary"' not in waiting.content.decode()


def _add_linked_placements(campaign, people, count, visits):
    for index in range(count):
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
            actor=people["manager"], label=f"{index}", target="/", owner=placement
        )
        for visitor in range(visits):
            visit(link, 100 * index + visitor)


def _page_queries(client, campaign):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url(campaign)).status_code == 200
    return len(context.captured_queries)


def test_the_page_queries_do_not_grow_with_placements_or_visits(client, people, seeded):
    campaign = Campaign.objects.get(pk=seeded["a"].pk)
    client.force_login(people["manager"])
    client.get(url(campaign))  # warm the caches (permissions, navigation)
    _add_linked_placements(campaign, people, 2, 2)
    few = _page_queries(client, campaign)
    _add_linked_placements(campaign, people, 6, 6)
    many = _page_queries(client, campaign)
    assert few == many


def test_the_page_reads_the_campaign_without_its_plan_and_agency(client, people, seeded):
    campaign = Campaign.objects.get(pk=seeded["a"].pk)
    client.force_login(people["manager"])
    client.get(url(campaign))  # warm the caches (permissions, navigation)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url(campaign)).status_code == 200
    reads = [q["sql"] for q in context.captured_queries if 'FROM "campaigns_campaign"' in q["sql"]]
    assert len(reads) == 1
    assert "JOIN" not in reads[0]


def test_an_unknown_campaign_is_not_found(client, people):
    client.force_login(people["manager"])
    assert client.get(reverse("campaigns:campaign_evaluation", args=[999999])).status_code == 404


def test_a_tiny_share_of_a_large_target_reads_less_than_one_percent(client, people, agency):
    campaign = launched(people, agency, target_visits=1000)
    visit(link_of(campaign.placements.get()), 7)
    html = page(client, people["manager"], campaign)
    row = html.split('data-testid="target-visits"')[1].split("</tr>")[0]
    assert "&lt;1%" in row
    # No reach target set: a dash.
    row = html.split('data-testid="target-reach"')[1].split("</tr>")[0]
    assert 'data-testid="percent">—<' in row
