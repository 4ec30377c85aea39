"""How the follow-up plugs into the round's workflow (surveys.plugins: gates and the round
page's panel), «عملي» (the owner's treatment steps) and the navigation (success stories)."""

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.evaluation_figures import register_evaluation_figures
from core import mywork, navigation
from surveys.models import Round
from surveys.plugins import RoundPanel, register_gate, register_round_panel

from . import selectors
from .campaign_figures import advertising_figures
from .models import DocumentKind, ManagementDecision, RoundFindings, TreatmentAction

WORK_ITEMS = 20

navigation.register_nav_item(
    "marketing",
    navigation.NavItem(
        gettext_lazy("Success stories"),
        "survey_analysis:story_list",
        "stars",
        "survey_analysis.view_successstory",
        weight=-5,
    ),
)


# --- the gates of the round's steps ------------------------------------------------------------


def findings_written(survey_round: Round) -> object | None:
    """Step 4 → 5: the results report needs the quality officer's findings."""
    if RoundFindings.objects.filter(round=survey_round).exists():
        return None
    return gettext_lazy(
        "Write the findings (satisfaction level and conclusions) on the analysis page first."
    )


def weak_items_treated(survey_round: Round) -> object | None:
    """Step 6 → 7: every item flagged weak has at least one treatment step with an owner."""
    findings = RoundFindings.objects.filter(round=survey_round).only("weak_items").first()
    weak = set(findings.weak_items) if findings else set()
    if not weak:
        return None
    treated = set(
        TreatmentAction.objects.filter(round=survey_round, item__isnull=False).values_list(
            "item__code", flat=True
        )
    )
    if weak <= treated:
        return None
    return gettext_lazy("Give each weak point at least one treatment step with its owner.")


def decision_recorded(survey_round: Round) -> object | None:
    """Step 7 → 8: management's decision on the recommendations is recorded."""
    if ManagementDecision.objects.filter(round=survey_round).exists():
        return None
    return gettext_lazy("Record management's decision on the recommendations first.")


def donor_report_produced(survey_round: Round) -> object | None:
    """Step 8 → done: the donor satisfaction report is produced."""
    if selectors.has_document(survey_round, DocumentKind.DONORS):
        return None
    return gettext_lazy("Produce the donor satisfaction report first.")


register_gate("submit_report", findings_written)
register_gate("agree_treatment", weak_items_treated)
register_gate("decide", decision_recorded)
register_gate("finish", donor_report_produced)


# --- the round page's panel --------------------------------------------------------------------


def follow_up_panel(survey_round: Round, user: User) -> RoundPanel | None:
    if not selectors.may_read_analysis(user):
        return None
    return RoundPanel(
        template="survey_analysis/round_panel.html",
        context={
            "follow_up": selectors.follow_up(survey_round, stories=False),
            "may_produce": user.has_perm("survey_analysis.add_rounddocument"),
            "may_survey_donors": user.has_perm("surveys.survey_donors"),
        },
        order=50,
    )


register_round_panel(follow_up_panel)
# Statement 9 of the beneficiaries' form in the evaluation of the campaigns that promoted
# the programme.
register_evaluation_figures(advertising_figures)


# --- «عملي» -------------------------------------------------------------------------------------


@mywork.register_work_provider
def treatment_work(user: User) -> mywork.WorkSection | None:
    actions = list(selectors.open_actions_of(user)[:WORK_ITEMS])
    if not actions:
        return None
    return mywork.WorkSection(
        title=_("Survey weak points to treat"),
        items=[
            mywork.WorkItem(
                title=action.text[:120],
                url=reverse("survey_analysis:action_detail", args=[action.pk]),
                due=selectors.end_of_day(action.due_on),
                detail=str(action.round),
            )
            for action in actions
        ],
    )
