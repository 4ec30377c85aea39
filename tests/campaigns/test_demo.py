from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from campaigns.models import Campaign, CampaignState, MarketingPlan, PlanState

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
    waiting = Campaign.objects.get(state=CampaignState.PROPOSALS_REQUESTED)
    assert waiting.is_overdue
    assert waiting.agency.kind == "other"
    assert Campaign.objects.count() == 2
