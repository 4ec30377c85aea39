"""What the campaigns add to the navigation bar («التسويق») and to «عملي»."""

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import mywork, navigation

from . import selectors
from .models import CampaignState, PlanState

WORK_ITEMS = 20

for item in (
    navigation.NavItem(
        gettext_lazy("Marketing campaigns"),
        "campaigns:campaign_list",
        "megaphone",
        "campaigns.view_campaign",
        weight=-10,
    ),
    navigation.NavItem(
        gettext_lazy("Annual marketing plans"),
        "campaigns:plan_list",
        "calendar3",
        "campaigns.view_marketingplan",
        weight=-10,
    ),
):
    navigation.register_nav_item("marketing", item)

# What the person waiting on each campaign step does next.
_CAMPAIGN_NEXT = {
    CampaignState.DRAFT: gettext_lazy("Choose the channels and submit them to management"),
    CampaignState.CHANNELS_SUBMITTED: gettext_lazy("Approve or return the channels"),
    CampaignState.CHANNELS_APPROVED: gettext_lazy("Discuss the requirements with an agency"),
    CampaignState.PROPOSALS_REQUESTED: gettext_lazy("The agency's proposals"),
    CampaignState.PROPOSAL_CHOSEN: gettext_lazy("Define the advertising programme"),
    CampaignState.PROGRAMME_SUBMITTED: gettext_lazy("Approve or return the programme"),
    CampaignState.PROGRAMME_APPROVED: gettext_lazy("Record the launch and its evidence"),
}
_PLAN_NEXT = {
    PlanState.DRAFT: gettext_lazy("Send the plan for coordination"),
    PlanState.RETURNED: gettext_lazy("Revise the returned plan"),
    PlanState.COORDINATION: gettext_lazy("Coordination notes"),
    PlanState.SUBMITTED: gettext_lazy("Approve or return the plan"),
}


@mywork.register_work_provider
def campaign_work(user: User) -> mywork.WorkSection | None:
    if not (
        user.has_perm("campaigns.view_campaign") or user.has_perm("campaigns.view_marketingplan")
    ):
        return None
    items = [
        mywork.WorkItem(
            title=f"{plan.title} · {_PLAN_NEXT[plan.state]}",
            url=reverse("campaigns:plan_detail", args=[plan.pk]),
            due=plan.due_at,
            detail=str(plan.due_label),
        )
        for plan in selectors.plans_awaiting(user)
    ]
    items += [
        mywork.WorkItem(
            title=f"{campaign.title} · {_CAMPAIGN_NEXT[campaign.state]}",
            url=reverse("campaigns:campaign_detail", args=[campaign.pk]),
            due=campaign.due_at,
            detail=str(campaign.due_label),
        )
        for campaign in selectors.campaigns_awaiting(user, WORK_ITEMS)
    ]
    if not items:
        return None
    return mywork.WorkSection(
        title=_("Marketing campaigns"), items=items, list_url=reverse("campaigns:campaign_list")
    )
