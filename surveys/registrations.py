"""What the surveys add to the navigation bar («التسويق») and to «عملي»."""

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import mywork, navigation

from . import selectors
from .models import RoundState

WORK_ITEMS = 20

navigation.register_nav_item(
    "marketing",
    navigation.NavItem(
        gettext_lazy("Satisfaction surveys"),
        "surveys:round_list",
        "ui-checks",
        "surveys.view_round",
        weight=-10,
    ),
)

# What the person waiting on each step does next.
STEP_NEXT = {
    RoundState.PREPARING: gettext_lazy("Prepare the survey and send it for review"),
    RoundState.IN_REVIEW: gettext_lazy("Review the survey's content"),
    RoundState.COLLECTING: gettext_lazy("Collect the answers"),
    RoundState.ANALYSING: gettext_lazy("Analyse the results and write the report"),
    RoundState.REPORT_REVIEW: gettext_lazy("Review and discuss the results report"),
    RoundState.TREATMENT: gettext_lazy("Agree on the steps treating the weak points"),
    RoundState.DECISION: gettext_lazy("Decide on the recommendations"),
    RoundState.DONOR_SURVEY: gettext_lazy("Survey the donors and send them the success stories"),
}


@mywork.register_work_provider
def survey_work(user: User) -> mywork.WorkSection | None:
    if not user.has_perm("surveys.view_round"):
        return None
    items = [
        mywork.WorkItem(
            title=f"{survey_round.title} · {STEP_NEXT[survey_round.state]}",
            url=reverse("surveys:round_detail", args=[survey_round.pk]),
            due=survey_round.due_at,
            detail=str(survey_round.due_label),
        )
        for survey_round in selectors.rounds_awaiting(user, WORK_ITEMS)
    ]
    if not items:
        return None
    return mywork.WorkSection(
        title=_("Satisfaction surveys"), items=items, list_url=reverse("surveys:round_list")
    )
