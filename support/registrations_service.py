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

# A tab of the public pages' bar: asking for support, its thanks and status pages.
navigation.register_public_link(
    navigation.PublicLink(
        gettext_lazy("Ask for support"),
        "support_public:request_new",
        "box2-heart",
        weight=30,
        current=(
            "support_public:request_new",
            "support_public:thanks",
            "support_public:status",
        ),
    )
)

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


def _request_item(support_request: SupportRequest, what: str) -> mywork.WorkItem:
    return mywork.WorkItem(
        title=" · ".join((support_request.tracking_number, support_request.applicant_name, what)),
        url=reverse("support:request_detail", args=[support_request.pk]),
    )


@mywork.register_work_provider
def support_service_work(user: User) -> mywork.WorkSection | None:
    """Reception staff: decisions to tell, accepted applicants to register, first deliveries
    to record, recurring deliveries due within a week, the open distribution days of their
    centres; the social research officer: recurring support whose re-assessment date comes
    within a month (the request comes back to them on that date). Three queries at most:
    the requests, the schedules (both kinds in one), the days."""
    handles = user.has_perm("support.handle_request")
    delivers = user.has_perm("support.deliver_support")
    researches = user.has_perm("support.research_request")
    if not (handles or delivers or researches):
        return None
    items: list[mywork.WorkItem] = []
    if handles or delivers:
        waiting = Q()
        if handles:
            waiting |= Q(state=RequestState.ACCEPTED) | Q(
                state=RequestState.REJECTED, notice_sent_at__isnull=True
            )
        if delivers:
            waiting |= Q(state=RequestState.REGISTERED)
        requests = (
            selectors.requests_visible_to(user)
            .filter(waiting)
            .only("pk", "tracking_number", "applicant_name", "state", "notice_sent_at")
            .order_by("decided_at", "pk")[:WORK_ITEMS]
        )
        for support_request in requests:
            if support_request.state == RequestState.REGISTERED:
                what = _("Record the first delivery")
            elif support_request.notice_sent_at is None:
                what = _("Tell the applicant the committee's decision")
            else:
                what = _("Register the accepted applicant")
            items.append(_request_item(support_request, what))
    today = timezone.localdate()
    due_soon = Q(
        _centre_scope(user) if delivers else Q(pk__in=[]),
        next_due_on__lte=today + datetime.timedelta(days=DUE_AHEAD_DAYS),
        request__state=RequestState.IN_SERVICE,
    )
    reassess_soon = Q(reassess_on__lte=today + datetime.timedelta(days=REASSESS_AHEAD_DAYS))
    wanted = (due_soon if delivers else Q(pk__in=[])) | (
        reassess_soon if researches else Q(pk__in=[])
    )
    schedules = (
        SupportSchedule.objects.filter(wanted, is_active=True, reassessment_started_at__isnull=True)
        .select_related("request", "support_type")
        .only(
            "next_due_on",
            "reassess_on",
            "request__tracking_number",
            "request__applicant_name",
            "request__state",
            "request__centre_id",
            "support_type__name",
        )
        .order_by("next_due_on", "pk")[: WORK_ITEMS * 2]
    )
    for schedule in schedules:
        values = {
            "number": schedule.request.tracking_number,
            "name": schedule.request.applicant_name,
            "type": schedule.support_type.name,
        }
        if researches and schedule.reassess_on <= today + datetime.timedelta(
            days=REASSESS_AHEAD_DAYS
        ):
            items.append(
                mywork.WorkItem(
                    title=_("%(number)s · %(name)s · re-assess the recurring %(type)s") % values,
                    url=reverse("support:request_detail", args=[schedule.request_id]),
                    due=selectors.due_datetime(schedule.reassess_on),
                    detail=str(_("Re-assessment date")),
                )
            )
        else:
            items.append(
                mywork.WorkItem(
                    title=_("%(number)s · %(name)s · recurring %(type)s due") % values,
                    url=reverse("support:request_detail", args=[schedule.request_id]),
                    due=selectors.due_datetime(schedule.next_due_on),
                    detail=str(_("Next delivery due")),
                )
            )
    # The open distribution days of the centres the person works in.
    centre_ids = selectors.staff_centre_ids(user) if delivers else []
    if centre_ids:
        days = DistributionDay.objects.filter(
            state=DistributionDayState.OPEN, centre_id__in=centre_ids
        ).only("pk", "title", "day")
        for day in days.order_by("day", "pk")[:5]:
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
    title = (
        _("Re-assessments of recurring support")
        if researches and not (handles or delivers)
        else _("Support: decisions, registration and service")
    )
    return mywork.WorkSection(
        title=title,
        items=items[: WORK_ITEMS * 2],
        list_url=reverse("support:distribution_list") if delivers else "",
    )
