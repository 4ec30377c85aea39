"""What people are shown of a campaign's evaluation: the headline figures of the campaign
page's summary card and of the evaluation page."""

from django.utils.translation import gettext as _

from core.dashboard import Headline
from core.numbers import format_number, format_riyals

from .evaluation import CampaignResults


def evaluation_headlines(results: CampaignResults, url: str = "") -> list[Headline]:
    """Visits, outcomes, spending and cost per visit, formatted; each card opens `url`."""
    return [
        Headline(
            label=_("Visits"),
            value=format_number(results.visits),
            detail=_("%(count)s unique visitors")
            % {"count": format_number(results.unique_visitors)},
            url=url,
            key="visits",
        ),
        Headline(
            label=_("Attributed outcomes"),
            value=format_number(results.outcomes_total),
            detail=_("%(count)s new customers") % {"count": format_number(results.new_customers)},
            url=url,
            key="outcomes",
        ),
        Headline(
            label=_("Spending (riyals)"),
            value=format_riyals(results.spending),
            detail=_("of a budget of %(budget)s") % {"budget": format_riyals(results.budget)},
            url=url,
            alert=bool(results.overspent),
            key="spending",
        ),
        Headline(
            label=_("Cost per visit (riyals)"),
            value=format_riyals(results.cost_per_visit),
            detail=_("per unique visitor: %(cost)s")
            % {"cost": format_riyals(results.cost_per_unique_visitor)},
            url=url,
            key="cost_per_visit",
        ),
    ]
