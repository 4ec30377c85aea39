"""Which reports each role reads: the weekly opportunity report is the CRM department's
(and resource development's), the monthly performance report goes to the sub-council
secretary through the departments handling complaints, the recurring-complaints report
from the quality officer to the strategic planning director."""

from django.db.models import Case, IntegerField, Q, Value, When

from association import roles

from .models import Report, ReportType, ReviewState, RunStatus

READERS = {
    ReportType.WEEKLY_OPPORTUNITIES: {
        roles.CRM_STAFF,
        roles.CRM_MANAGER,
        roles.RESOURCE_DEVELOPMENT,
        roles.MANAGEMENT,
    },
    ReportType.MONTHLY_PERFORMANCE: {
        roles.CRM_STAFF,
        roles.CRM_MANAGER,
        roles.CENTRES_STAFF,
        roles.CENTRES_MANAGER,
        roles.QUALITY_OFFICER,
        roles.COUNCIL_SECRETARY,
        roles.MANAGEMENT,
    },
    ReportType.MONTHLY_RECURRING: {
        roles.QUALITY_OFFICER,
        roles.PLANNING_DIRECTOR,
        roles.CRM_MANAGER,
        roles.CENTRES_MANAGER,
        roles.COUNCIL_SECRETARY,
        roles.MANAGEMENT,
    },
}


def report_types_for(user):
    """The report types this user reads (superusers: all)."""
    if not user.is_authenticated or not user.has_perm("reports.view_report"):
        return []
    if user.is_superuser:
        return list(ReportType)
    user_roles = set(roles.user_roles(user))
    return [report_type for report_type in ReportType if READERS[report_type] & user_roles]


def reports_visible_to(user):
    return Report.objects.filter(report_type__in=report_types_for(user)).select_related(
        "requested_by", "reviewed_by", "decided_by", "archived_by"
    )


def awaiting(user):
    """Ready reports waiting for this user's step: the manager's review, the secretary's
    decision, the archiving (reports without a review are archived once read)."""
    reviewed = Q(report_type=ReportType.MONTHLY_PERFORMANCE)
    condition = Q(pk__in=[])
    if user.has_perm("reports.review_report"):
        condition |= reviewed & Q(review_state=ReviewState.PREPARED)
    if user.has_perm("reports.decide_report"):
        condition |= Q(review_state=ReviewState.REVIEWED)
    if user.has_perm("reports.archive_report"):
        condition |= Q(review_state=ReviewState.DECIDED)
        condition |= ~reviewed & Q(review_state=ReviewState.PREPARED)
    return reports_visible_to(user).filter(condition, status=RunStatus.READY)


def awaiting_first(queryset, user):
    """The archive list with the reports awaiting this user on top (the secretary sees the
    reports to decide first)."""
    waiting = list(awaiting(user).values_list("pk", flat=True))
    return queryset.annotate(
        awaits_me=Case(
            When(pk__in=waiting, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("awaits_me", "-period_start", "report_type")
