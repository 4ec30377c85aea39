"""What part B adds to the site (imported by support/registrations.py): the navigation's
distribution days and statistics, «عملي» for registration, service and re-assessment, the
link to the customers' entry signal (support.delivery), and the public request counted as a
tracked link's outcome (links.outcomes, towards the campaigns' "support_requests" target)."""

import datetime
from typing import cast

from django.contrib.auth.models import User
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import mywork, navigation
from links.outcomes import Outcome, register_outcome

from . import (
    delivery,  # noqa: F401  (connects the customers' entry signal)
    selectors,
)
from .models import (
    DistributionDay,
    DistributionDayState,
    RequestState,
    SupportRequest,
    SupportSchedule,
)

WORK_ITEMS = 15
# Re-assessments shown to the social research officer this many days ahead.
REASSESS_AHEAD_DAYS = 30
# Recurring deliveries shown to the staff this many days ahead.
DUE_AHEAD_DAYS = 7

navigation.register_nav_item(
    "customers",
    navigation.NavItem(
        gettext_lazy("Distribution days"),
        "support:distribution_list",
        "basket",
        "support.deliver_support",
        weight=20,
    ),
)
navigation.register_nav_item(
    "customers",
    navigation.NavItem(
        gettext_lazy("Support requests statistics"),
        "support:statistics",
        "bar-chart",
        "support.view_support_statistics",
        weight=20,
    ),
)

register_outcome(
    Outcome(
        key="support_requests",
        label=gettext_lazy("Support requests filed online"),
        model=SupportRequest,
        permission="support.view_supportrequest",
        detail_url=lambda record: reverse(
            "support:request_detail", args=[cast(SupportRequest, record).pk]
        ),
        customer_field="customer",
        at_field="received_at",
        counts_towards="support_requests",
    )
)


def _centre_scope(user: User) -> Q:
    if user.has_perm("support.view_all_requests"):
        return Q()
    return Q(request__centre_id__in=selectors.staff_centre_ids(user))


@mywork.register_work_provider
def support_service_work(user: User) -> mywork.WorkSection | None:
    """Reception staff: decisions to tell, accepted applicants to register, first deliveries
    to record; the recurring deliveries due within a week; open distribution days."""
    if not (user.has_perm("support.handle_request") or user.has_perm("support.deliver_support")):
        return None
    items: list[mywork.WorkItem] = []
    requests = selectors.requests_visible_to(user).only(
        "pk", "tracking_number", "applicant_name", "state", "decided_at", "notice_sent_at"
    )
    if user.has_perm("support.handle_request"):
        waiting = requests.filter(
            Q(state__in=(RequestState.ACCEPTED, RequestState.REJECTED), notice_sent_at__isnull=True)
            | Q(state=RequestState.ACCEPTED)
        ).order_by("decided_at", "pk")[:WORK_ITEMS]
        for support_request in waiting:
            if support_request.notice_sent_at is None:
                what = _("Tell the applicant the committee's decision")
            else:
                what = _("Register the accepted applicant")
            items.append(
                mywork.WorkItem(
                    title=" · ".join(
                        (support_request.tracking_number, support_request.applicant_name, what)
                    ),
                    url=reverse("support:request_detail", args=[support_request.pk]),
                )
            )
    if user.has_perm("support.deliver_support"):
        for support_request in requests.filter(state=RequestState.REGISTERED).order_by(
            "decided_at", "pk"
        )[:WORK_ITEMS]:
            items.append(
                mywork.WorkItem(
                    title=f"{support_request.tracking_number} · {support_request.applicant_name} · "
                    + _("Record the first delivery"),
                    url=reverse("support:request_detail", args=[support_request.pk]),
                )
            )
        ahead = timezone.localdate() + datetime.timedelta(days=DUE_AHEAD_DAYS)
        for schedule in (
            SupportSchedule.objects.filter(
                _centre_scope(user),
                is_active=True,
                reassessment_started_at__isnull=True,
                next_due_on__lte=ahead,
                request__state=RequestState.IN_SERVICE,
            )
            .select_related("request", "support_type")
            .only(
                "next_due_on",
                "request__tracking_number",
                "request__applicant_name",
                "request__state",
                "support_type__name",
            )
            .order_by("next_due_on", "pk")[:WORK_ITEMS]
        ):
            items.append(
                mywork.WorkItem(
                    title=_("%(number)s · %(name)s · recurring %(type)s due")
                    % {
                        "number": schedule.request.tracking_number,
                        "name": schedule.request.applicant_name,
                        "type": schedule.support_type.name,
                    },
                    url=reverse("support:request_detail", args=[schedule.request_id]),
                    due=selectors.due_datetime(schedule.next_due_on),
                    detail=str(_("Next delivery due")),
                )
            )
        days = DistributionDay.objects.filter(state=DistributionDayState.OPEN)
        if not user.has_perm("support.view_all_requests"):
            days = days.filter(centre_id__in=selectors.staff_centre_ids(user))
        for day in days.only("pk", "title", "day").order_by("day", "pk")[:5]:
            items.append(
                mywork.WorkItem(
                    title=_("Distribution day: %(title)s") % {"title": day.title},
                    url=reverse("support:distribution_detail", args=[day.pk]),
                    due=selectors.due_datetime(day.day),
                    detail=str(_("Distribution day")),
                )
            )
    if not items:
        return None
    return mywork.WorkSection(
        title=_("Support: decisions, registration and service"),
        items=items[: WORK_ITEMS * 2],
        list_url=reverse("support:distribution_list")
        if user.has_perm("support.deliver_support")
        else "",
    )


@mywork.register_work_provider
def support_reassessment_work(user: User) -> mywork.WorkSection | None:
    """The social research officer: recurring support whose re-assessment date comes within
    a month (the request comes back to them on that date)."""
    if not user.has_perm("support.research_request"):
        return None
    ahead = timezone.localdate() + datetime.timedelta(days=REASSESS_AHEAD_DAYS)
    schedules = (
        SupportSchedule.objects.filter(
            is_active=True, reassessment_started_at__isnull=True, reassess_on__lte=ahead
        )
        .select_related("request", "support_type")
        .only(
            "reassess_on",
            "request__tracking_number",
            "request__applicant_name",
            "request__state",
            "support_type__name",
        )
        .order_by("reassess_on", "pk")[:WORK_ITEMS]
    )
    items = [
        mywork.WorkItem(
            title=_("%(number)s · %(name)s · re-assess the recurring %(type)s")
            % {
                "number": schedule.request.tracking_number,
                "name": schedule.request.applicant_name,
                "type": schedule.support_type.name,
            },
            url=reverse("support:request_detail", args=[schedule.request_id]),
            due=selectors.due_datetime(schedule.reassess_on),
            detail=str(_("Re-assessment date")),
        )
        for schedule in schedules
    ]
    if not items:
        return None
    return mywork.WorkSection(title=_("Re-assessments of recurring support"), items=items)
