"""Survey statement 9 («أعتقد بأن طريقة الاعلان عن الخدمة كانت فعالة») feeds the evaluation of
a campaign that promoted the programme (campaigns.evaluation_figures): the answers of the
rounds of the programmes it promoted that ended from its launch to ATTRIBUTION_WINDOW_DAYS
after its end, in one grouped query."""

from datetime import timedelta

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaigns.evaluation import ATTRIBUTION_WINDOW_DAYS
from campaigns.evaluation_figures import EvaluationFigure
from campaigns.models import Campaign
from core.numbers import format_number, format_percent
from surveys.models import Answer, RoundState

ADVERTISING_ITEM = "advertising"


def advertising_figures(campaign: Campaign) -> list[EvaluationFigure]:
    start = campaign.launched_on or campaign.starts_on
    end = campaign.ends_on + timedelta(days=ATTRIBUTION_WINDOW_DAYS)
    figures = (
        Answer.objects.filter(
            item__code=ADVERTISING_ITEM,
            value__isnull=False,
            round__programme__in=campaign.programmes.all(),
            round__ended_on__gte=start,
            round__ended_on__lte=end,
        )
        .exclude(round__state=RoundState.CANCELLED)
        .aggregate(
            answers=Count("id"),
            rounds=Count("round", distinct=True),
            mean=Avg("value"),
            agreeing=Count("id", filter=Q(value__gte=4)),
        )
    )
    if not figures["answers"]:
        return []
    share = 100 * figures["agreeing"] / figures["answers"]
    return [
        EvaluationFigure(
            key="survey-advertising",
            label=_("Advertising effectiveness (survey statement 9)"),
            value=f"{format_number(figures['mean'], 2)} / 5 · {format_percent(share)}",
            detail=ngettext(
                "%(answers)d answers in %(rounds)d survey round of the programmes promoted",
                "%(answers)d answers in %(rounds)d survey rounds of the programmes promoted",
                figures["rounds"],
            )
            % {"answers": figures["answers"], "rounds": figures["rounds"]},
        )
    ]
