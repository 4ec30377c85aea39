"""What the reports app adds to the shared navigation bar and the my-work page."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.models import CaseRoute
from core import dashboard, mywork, navigation
from core.dates import format_gregorian_hijri

from .models import ReviewState
from .selectors import period_title

# A recipient finds a newly produced report on their my-work page for this long.
NEW_REPORT_DAYS = 14
MY_WORK_LIMIT = 20

navigation.register_nav_item(
    "reports",
    navigation.NavItem(
        gettext_lazy("Reports archive"), "reports:list", "archive", "reports.view_report"
    ),
)
navigation.register_nav_item(
    "reports",
    navigation.NavItem(
        gettext_lazy("Produce a report"),
        "reports:produce",
        "file-earmark-plus",
        "reports.produce_report",
    ),
)


def _title(report):
    return f"{report.get_report_type_display()} · {period_title(report)}"


def _step_label(report, user):
    if not report.has_review:
        return _("To read and archive")
    if report.review_state == ReviewState.PREPARED:
        from .services import pending_departments

        pending = pending_departments(report, user)
        if pending:
            return _("Your department's review: %(departments)s") % {
                "departments": " · ".join(
                    str(CaseRoute(department).label) for department in pending
                )
            }
    return report.get_review_state_display()


@mywork.register_work_provider
def reports_awaiting_me(user):
    """Ready reports waiting for this user's step: the manager's review (2 working days),
    the secretary's decision (3), the archiving (1)."""
    from .selectors import awaiting, current_due

    if not user.has_perm("reports.view_report"):
        return None
    reports = list(awaiting(user).order_by("period_start", "pk")[: MY_WORK_LIMIT * 2])
    far_future = timezone.now() + datetime.timedelta(days=3650)
    reports.sort(key=lambda report: (current_due(report) or far_future, report.pk))
    items = [
        mywork.WorkItem(
            title=_title(report),
            url=reverse("reports:detail", args=[report.pk]),
            due=current_due(report),
            detail=_step_label(report, user),
        )
        for report in reports[:MY_WORK_LIMIT]
    ]
    if not items:
        return None
    return mywork.WorkSection(
        title=_("Reports awaiting your step"), items=items, list_url=reverse("reports:list")
    )


@mywork.register_work_provider
def new_reports(user):
    """For the recipients of a report type (ReportRecipient): the reports produced in the
    last two weeks that are not already in "awaiting your step"."""
    from .models import ReportRecipient, RunStatus
    from .selectors import awaiting, reports_visible_to

    if not user.is_authenticated or not user.has_perm("reports.view_report"):
        return None
    report_types = list(
        ReportRecipient.objects.filter(user=user, is_active=True).values_list(
            "report_type", flat=True
        )
    )
    if not report_types:
        return None
    since = timezone.now() - datetime.timedelta(days=NEW_REPORT_DAYS)
    reports = (
        reports_visible_to(user)
        .filter(report_type__in=report_types, status=RunStatus.READY, finished_at__gte=since)
        .exclude(pk__in=awaiting(user).values("pk"))
        .order_by("-finished_at", "-pk")
    )
    items = [
        mywork.WorkItem(
            title=_title(report),
            url=reverse("reports:detail", args=[report.pk]),
            detail=_("Produced on %(day)s")
            % {"day": format_gregorian_hijri(report.finished_at, with_time=False)},
        )
        for report in reports[:MY_WORK_LIMIT]
    ]
    if not items:
        return None
    return mywork.WorkSection(
        title=_("New reports for you"), items=items, list_url=reverse("reports:list")
    )


# --- headline figures on "عملي" (core.dashboard) ---------------------------------------------


@dashboard.register_headline
def reports_awaiting_decision_headline(user):
    """The reports awaiting the sub-council secretary's decision (3 working days)."""
    from django.utils.translation import ngettext

    from .selectors import awaiting_decision_counts

    if not user.has_perm("reports.view_report"):
        return None
    waiting, overdue = awaiting_decision_counts(user, timezone.now())
    return dashboard.waiting_headline(
        key="reports_awaiting_decision",
        order=60,
        label=_("Reports awaiting a decision"),
        waiting=waiting,
        overdue=overdue,
        overdue_text=ngettext(
            "%(count)s past the decision deadline",
            "%(count)s past the decision deadline",
            overdue,
        ),
        url=f"{reverse('reports:list')}?review_state={ReviewState.REVIEWED}",
    )
