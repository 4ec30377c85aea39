"""The demo shows the portfolio cycles, the proposals and the problems register where a user
looks for them, and loading it again changes nothing."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from core.mywork import work_sections_for
from opportunities.models import DonorProblem, Opportunity, ProblemAction
from programmes.models import CycleDonor, PortfolioCycle, ProgrammeProposal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def snapshot():
    return {
        "cycles": list(PortfolioCycle.objects.order_by("pk").values_list("pk", "state")),
        "cycle_donors": CycleDonor.objects.count(),
        "proposals": list(ProgrammeProposal.objects.order_by("pk").values_list("pk", "state")),
        "problems": list(DonorProblem.objects.order_by("pk").values_list("pk", "state")),
        "actions": ProblemAction.objects.count(),
        "opportunities": list(Opportunity.objects.values_list("pk", "state")),
    }


def titles(username):
    user = get_user_model().objects.get(username=username)
    return {section.title: section for section in work_sections_for(user)}


def test_the_demo_fills_the_cycles_proposals_and_problems_once(settings):
    settings.LANGUAGE_CODE = "en"
    call_command("load_demo_data", stdout=StringIO())
    first = snapshot()
    assert sorted(state for _pk, state in first["cycles"]) == ["donors_identified", "handed_over"]
    assert first["cycle_donors"] >= 3
    assert sorted(state for _pk, state in first["proposals"]) == [
        "accepted",
        "needs_study",
        "submitted",
    ]
    assert sorted(state for _pk, state in first["problems"]) == [
        "in_progress",
        "open",
        "resolved",
    ]
    # The opportunities pipeline (opportunities/pipeline_demo.py): one at every stage.
    assert sorted(state for _pk, state in first["opportunities"]) == [
        "cancelled",
        "closing",
        "follow_up",
        "identification",
        # The launched campaign's new donor (campaigns.demo: its evaluation's figures).
        "identification",
        "successful",
    ]
    call_command("load_demo_data", stdout=StringIO())
    assert snapshot() == first


def test_each_role_finds_the_demo_on_my_work(settings, client):
    call_command("load_demo_data", stdout=StringIO())
    from django.utils import translation

    with translation.override("en"):
        manager = titles("crm_manager")
        assert "Programmes portfolio to review" in manager
        assert "Problems threatening donor relationships" in manager
        assert manager["Problems threatening donor relationships"].overdue_count >= 1
        assert "Pledges not received: record a problem?" in manager
        planning = titles("planning")
        assert "Programme proposals awaiting your answer" in planning
        assert "Accepted proposals to add to the portfolio" in planning
        assert "Planning's answers to programme proposals" in titles("crm_staff")
    client.force_login(get_user_model().objects.get(username="crm_manager"))
    cycle = PortfolioCycle.objects.get(state="donors_identified")
    response = client.get(reverse("programmes:cycle_detail", args=[cycle.pk]))
    assert response.status_code == 200
    assert 'data-testid="seeded-opportunity"' in response.content.decode()
