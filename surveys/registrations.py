"""What the surveys add to the navigation bar («التسويق») and to «عملي»."""

from typing import cast

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.models import SURVEY_CHANNEL, Case
from complaints.origins import CaseOrigin, register_case_origin
from core import mywork, navigation
from links.outcomes import Outcome, register_outcome

from . import selectors
from .models import Response, RoundState

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


# Answers arriving through a tracked link (a campaign's poster, an SMS) count on the link's
# page and in the campaign's evaluation (links.outcomes).
register_outcome(
    Outcome(
        key="survey_answers",
        label=gettext_lazy("Survey answers"),
        model=Response,
        permission="surveys.view_round",
        detail_url=lambda response: reverse(
            "surveys:round_detail", args=[cast(Response, response).round_id]
        ),
        customer_field="customer",
        at_field="submitted_at",
    )
)


# --- the case a low score opened links back to its survey (complaints.origins) ----------------


@register_case_origin
def survey_case_origin(case: Case, user: User) -> CaseOrigin | None:
    """«A low score in the survey round …», with the round's page for those who may open it.
    No query for a case that came another way."""
    if case.channel != SURVEY_CHANNEL:
        return None
    response = (
        Response.objects.filter(follow_up_case=case)
        .select_related("round")
        .only("pk", "round__id", "round__title")
        .first()
    )
    if response is None:
        return None
    survey_round = response.round
    label = _("A low score in the satisfaction survey «%(round)s»") % {"round": survey_round}
    url = ""
    if user.has_perm("surveys.view_round"):
        url = reverse("surveys:round_detail", args=[survey_round.pk])
    return CaseOrigin(label, url)
