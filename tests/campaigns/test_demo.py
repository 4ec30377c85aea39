from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from campaigns.models import Campaign, CampaignState, MarketingPlan, PlanState
from campaigns.selectors import placement_links

pytestmark = pytest.mark.django_db


def test_the_demo_loads_the_plan_two_campaigns_and_an_agency_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo_data", stdout=StringIO())
    call_command("load_demo_data", stdout=StringIO())
    plan = MarketingPlan.objects.get()
    assert plan.year == timezone.localdate().year
    assert plan.state == PlanState.APPROVED
    assert plan.coordinations.count() == 4
    launched = Campaign.objects.get(state=CampaignState.LAUNCHED)
    assert launched.placements.count() == 3
    assert launched.evidence.exists() and launched.launched_on
    # Each placement got its tracked link at the approval, and the links have visits.
    links = placement_links(list(launched.placements.all()))
    assert len(links) == 3
    assert all(link.visit_count > 0 for link in links.values())
    assert {link.target for link in links.values()} == {"/public/cases/new/", "/public/faq/"}
    waiting = Campaign.objects.get(state=CampaignState.PROPOSALS_REQUESTED)
    assert waiting.is_overdue
    assert waiting.agency.kind == "other"
    assert Campaign.objects.count() == 2


def test_the_launched_demo_campaign_has_meaningful_evaluation_figures(settings, tmp_path):
    from campaigns.evaluation import evaluate

    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo_data", stdout=StringIO())
    launched = Campaign.objects.get(state=CampaignState.LAUNCHED)
    results = evaluate([launched])[launched.pk]
    assert results.visits > 0 and 0 < results.unique_visitors <= results.visits
    assert all(row.visits > 0 for row in results.placements)
    assert results.outcomes_total == 2
    assert (results.customers_reached, results.new_customers) == (1, 1)
    assert results.opportunities == 1
    assert results.donations_total == 5000
    assert results.spending == 52000 and results.cost_per_visit is not None
    assert all(
        target.percent is not None for target in results.targets if target.key != "support_requests"
    )
    call_command("load_demo_data", stdout=StringIO())
    assert evaluate([launched])[launched.pk].outcomes_total == 2
