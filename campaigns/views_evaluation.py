"""The campaign's evaluation page (manual 3.1.9): targets against results, the placements'
visits and outcomes, budget against spending, and the records the visitors left."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from core.http import AuthenticatedRequest
from core.permissions import require

from . import selectors
from .evaluation import ATTRIBUTION_WINDOW_DAYS, evaluate, outcome_records
from .evaluation_figures import evaluation_figures
from .presentation import evaluation_headlines


@require_GET
def campaign_evaluation(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "campaigns.view_campaign")
    # The page shows the campaign's own columns: no join of its plan and agency.
    campaign = get_object_or_404(
        selectors.campaigns_visible_to(request.user).select_related(None), pk=pk
    )
    results = evaluate([campaign])[campaign.pk]
    return render(
        request,
        "campaigns/campaign_evaluation.html",
        {
            "campaign": campaign,
            "results": results,
            "headlines": evaluation_headlines(results),
            "outcome_records": outcome_records(results, request.user),
            "may_view_links": request.user.has_perm("links.view_trackedlink"),
            "window_days": ATTRIBUTION_WINDOW_DAYS,
            "other_figures": evaluation_figures(campaign) if results.is_launched else [],
        },
    )
