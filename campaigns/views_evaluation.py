"""The campaign's evaluation page (manual 3.1.9): targets against results, the placements'
visits and outcomes, budget against spending, and the records the visitors left."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.http import AuthenticatedRequest

from .evaluation import ATTRIBUTION_WINDOW_DAYS, evaluate, outcome_records
from .presentation import evaluation_headlines
from .views import campaign_or_404


@require_GET
def campaign_evaluation(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = campaign_or_404(request, pk)
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
        },
    )
