"""Real concurrency on PostgreSQL: two people take the same step of a plan or a campaign at
the same instant, each in their own connection. One wins; the other reads a clear message
and the step is recorded once."""

import pytest
from django.db import connection

from campaigns import services
from campaigns.errors import CampaignError, PlanError
from campaigns.models import Campaign, CampaignTransition, MarketingPlan, PlanTransition
from tests.concurrency import run_together
from tests.conftest import skip_or_fail
from tests.helpers import user_with

from .conftest import advance, make_campaign, make_plan, pdf

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("english", "media_root"),
]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent transactions need PostgreSQL (SQLite serialises writers)")


def one_wins(outcomes, error_class):
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, error_class)


def test_two_managers_approve_the_same_plan_once(people):
    plan = make_plan(people, approve=False)
    services.plan_send_for_coordination(plan=plan, actor=people["manager"])
    for department, who in (
        ("finance", "resources"),
        ("planning", "planning"),
        ("centres", "centres_manager"),
        ("programmes", "planning"),
    ):
        services.plan_coordinate(
            plan=plan, actor=people[who], department=department, verdict="agree"
        )
    services.plan_submit(plan=plan, actor=people["manager"])
    second = user_with(people_roles_management(), "management2")
    outcomes = run_together(
        lambda: services.plan_approve(
            plan=MarketingPlan.objects.get(pk=plan.pk), actor=people["management"]
        ),
        lambda: services.plan_return(
            plan=MarketingPlan.objects.get(pk=plan.pk), actor=second, reason="لا"
        ),
    )
    one_wins(outcomes, PlanError)
    assert PlanTransition.objects.filter(plan=plan, source="submitted").count() == 1


def test_a_double_click_chooses_the_proposal_once(people, agency):
    campaign = advance(make_campaign(people, make_plan(people)), people, agency, "upload")
    proposal = campaign.proposals.get()
    outcomes = run_together(
        *[
            lambda: services.campaign_choose_proposal(
                campaign=Campaign.objects.get(pk=campaign.pk),
                actor=people["manager"],
                proposal=proposal,
                evaluation="مناسب",
            )
        ]
        * 2
    )
    one_wins(outcomes, CampaignError)
    assert (
        CampaignTransition.objects.filter(campaign=campaign, target="proposal_chosen").count() == 1
    )


def test_the_agency_and_the_manager_at_the_same_instant(people, agency):
    campaign = advance(make_campaign(people, make_plan(people)), people, agency, "upload")
    token = services.agency_token(campaign)
    outcomes = run_together(
        lambda: services.campaign_choose_proposal(
            campaign=Campaign.objects.get(pk=campaign.pk),
            actor=people["manager"],
            proposal=campaign.proposals.get(),
            evaluation="مناسب",
        ),
        lambda: services.proposal_upload_by_agency(token=token, upload=pdf()),
    )
    kinds = sorted(kind for kind, _ in outcomes)
    # Either the upload came first (both succeed) or the step closed first (refused).
    versions = Campaign.objects.get(pk=campaign.pk).proposals.count()
    assert (kinds == ["ok", "ok"] and versions == 2) or (kinds == ["error", "ok"] and versions == 1)


def people_roles_management():
    from association import roles

    return roles.MANAGEMENT
