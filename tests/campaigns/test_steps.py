"""Every step of the plan's and a campaign's procedure goes through one helper
(campaigns.services._step): the permission is checked first, a step that must say why is
refused with its own message when the reason is blank (and nothing is written), the reason
is kept stripped on the record and in the audit row, and a step the record is no longer at
is refused with the workflow's message."""

import pytest
from django.core.exceptions import PermissionDenied

from campaigns import services
from campaigns.errors import CampaignError, PlanError
from campaigns.models import CampaignState, Department, PlanState
from campaigns.selectors import departments_of

from .conftest import advance, make_campaign, make_plan

pytestmark = pytest.mark.django_db


def _submitted_plan(people):
    plan = make_plan(people, approve=False)
    services.plan_send_for_coordination(plan=plan, actor=people["manager"])
    for department in Department.values:
        actor = next(user for user in people.values() if department in departments_of(user))
        services.plan_coordinate(plan=plan, actor=actor, department=department, verdict="agree")
    services.plan_submit(plan=plan, actor=people["manager"])
    plan.refresh_from_db()
    return plan


def _campaign_at(until):
    def make(people, agency):
        return advance(make_campaign(people, make_plan(people)), people, agency, until)

    return make


# (how to reach the step, who takes it, who may not, the call, the field keeping the
# reason, the message of a blank reason, the state reached)
STEPS = {
    "plan_return": (
        lambda people, agency: _submitted_plan(people),
        "management",
        "manager",
        lambda plan, actor, reason, agency: services.plan_return(
            plan=plan, actor=actor, reason=reason
        ),
        "return_reason",
        "Write why the plan is returned.",
        PlanState.RETURNED,
    ),
    "return_channels": (
        _campaign_at("submit_channels"),
        "management",
        "manager",
        lambda campaign, actor, reason, agency: services.campaign_return_channels(
            campaign=campaign, actor=actor, reason=reason
        ),
        "return_reason",
        "Write why the channels are returned.",
        CampaignState.DRAFT,
    ),
    "request_proposals": (
        _campaign_at("approve_channels"),
        "manager",
        "staff",
        lambda campaign, actor, reason, agency: services.campaign_request_proposals(
            campaign=campaign, actor=actor, agency=agency, requirements=reason
        ),
        "requirements",
        "Write the requirements discussed with the agency.",
        CampaignState.PROPOSALS_REQUESTED,
    ),
    "choose_proposal": (
        _campaign_at("upload"),
        "manager",
        "management",
        lambda campaign, actor, reason, agency: services.campaign_choose_proposal(
            campaign=campaign,
            actor=actor,
            proposal=campaign.proposals.get(),
            evaluation=reason,
        ),
        "evaluation",
        "Write the evaluation of the proposals.",
        CampaignState.PROPOSAL_CHOSEN,
    ),
    "return_programme": (
        _campaign_at("submit_programme"),
        "management",
        "manager",
        lambda campaign, actor, reason, agency: services.campaign_return_programme(
            campaign=campaign, actor=actor, reason=reason
        ),
        "return_reason",
        "Write why the programme is returned.",
        CampaignState.PROPOSAL_CHOSEN,
    ),
    "cancel": (
        _campaign_at("approve_channels"),
        "manager",
        "management",
        lambda campaign, actor, reason, agency: services.campaign_cancel(
            campaign=campaign, actor=actor, reason=reason
        ),
        "cancel_reason",
        "Write why the campaign is cancelled.",
        CampaignState.CANCELLED,
    ),
}


@pytest.mark.parametrize("name", list(STEPS))
def test_a_step_that_says_why(name, people, agency, media_root, english):
    reach, who, other, call, field, message, reached = STEPS[name]
    record = reach(people, agency)
    state, transitions = record.state, record.transitions.count()

    # The permission first, whatever the reason.
    for reason in ("", "سبب"):
        with pytest.raises(PermissionDenied):
            call(record, people[other], reason, agency)
    # A blank reason: the step's own message, nothing written.
    with pytest.raises((CampaignError, PlanError), match=message.rstrip(".")):
        call(record, people[who], " \n ", agency)
    record.refresh_from_db()
    assert (record.state, record.transitions.count()) == (state, transitions)

    call(record, people[who], "  السبب المكتوب \n", agency)
    record.refresh_from_db()
    assert record.state == reached
    assert getattr(record, field) == "السبب المكتوب"
    assert record.transitions.order_by("pk").last().note == "السبب المكتوب"

    # The record is no longer at that step: the workflow's message, nothing written.
    transitions = record.transitions.count()
    with pytest.raises((CampaignError, PlanError), match="no longer at this step"):
        call(record, people[who], "مرة أخرى", agency)
    assert record.transitions.count() == transitions


def test_a_step_checks_its_own_rules_before_it_is_taken(people, agency, english):
    plan = make_plan(people)
    campaign = make_campaign(people, plan, channels=[])
    with pytest.raises(CampaignError, match="channels first"):
        services.campaign_submit_channels(campaign=campaign, actor=people["manager"])
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.DRAFT and campaign.due_at is None
    assert campaign.transitions.count() == 1  # prepared, nothing more
    campaign = advance(make_campaign(people, plan), people, agency, "approve_channels")
    with pytest.raises(CampaignError, match="advertising agency"):
        services.campaign_request_proposals(
            campaign=campaign, actor=people["manager"], agency=None, requirements="لوحات"
        )
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.CHANNELS_APPROVED and campaign.agency is None
