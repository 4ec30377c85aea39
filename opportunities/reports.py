"""The weekly opportunity report (manual 3.1.15: progress is followed continuously and a
report is issued every week). The figures here are data only; the reports app lays them
out. Each figure is one query whatever the number of opportunities."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q
from django.utils import timezone

from .models import Opportunity, OpportunityState, OpportunityTransition
from .selectors import open_pipeline_by_state, with_received_amount

RIYADH = ZoneInfo("Asia/Riyadh")
CENTS = Decimal("0.01")


def week_bounds(week_start: date):
    """[start, end) of the week as aware datetimes, midnight to midnight in Riyadh."""
    start = datetime.combine(week_start, time.min, tzinfo=RIYADH)
    end = datetime.combine(week_start + timedelta(days=7), time.min, tzinfo=RIYADH)
    return start, end


def weekly_opportunity_figures(week_start: date) -> dict:
    """The figures of the week starting on `week_start` (the report's Sunday):

    - state_counts: {state: number of opportunities in it now}, every state present;
    - opened, closed, successful, cancelled: opportunities created, entering closing (a
      signed pledge), marked successful and cancelled during the week;
    - pipeline_total and weighted_pipeline: expected amounts of the open opportunities, as
      they are and weighted by their success probability (SAR, Decimal);
    - stale: open opportunities with no activity for a week now (oldest first);
    - pledges_not_received: opportunities in closing whose pledge has not fully arrived,
      each with `received_amount` and `outstanding_amount`.
    """
    start, end = week_bounds(week_start)
    counts = dict.fromkeys(OpportunityState.values, 0)
    counts.update(
        Opportunity.objects.order_by()
        .values("state")
        .annotate(count=Count("pk"))
        .values_list("state", "count")
    )
    moves = OpportunityTransition.objects.filter(at__gte=start, at__lt=end).aggregate(
        closed=_entered(OpportunityState.CLOSING),
        successful=_entered(OpportunityState.SUCCESSFUL),
        cancelled=_entered(OpportunityState.CANCELLED),
    )
    pipeline = open_pipeline_by_state()
    return {
        "week_start": week_start,
        "week_end": week_start + timedelta(days=6),
        "state_counts": counts,
        "opened": Opportunity.objects.filter(created_at__gte=start, created_at__lt=end).count(),
        **moves,
        "pipeline_total": _sar(sum(row.total for row in pipeline)),
        "weighted_pipeline": _sar(sum(row.weighted for row in pipeline)),
        "stale": list(
            Opportunity.objects.stale()
            .select_related("programme", "owner")
            .order_by("last_activity_at", "pk")
        ),
        "pledges_not_received": list(
            with_received_amount(
                Opportunity.objects.filter(state=OpportunityState.CLOSING).select_related(
                    "programme", "pledge_donor", "owner"
                )
            )
            .annotate(outstanding_amount=F("pledged_amount") - F("received_amount"))
            .filter(outstanding_amount__gt=0)
            .order_by("pledge_date", "pk")
        ),
        "generated_at": timezone.now(),
    }


def _entered(state):
    return Count("opportunity", filter=Q(target=state), distinct=True)


def _sar(amount):
    return Decimal(amount or 0).quantize(CENTS)
