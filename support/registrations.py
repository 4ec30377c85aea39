"""What the support requests add to the navigation bar, to «عملي», to the customer's
timeline and profile, and the survey invitations of the beneficiaries served (shared with
part B: append, do not reorder)."""

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from association.models import Centre
from core import mywork, navigation
from core.templatetags.numbers import number, riyals
from customers.models import Customer
from customers.profile import ProfilePanel, register_profile_panel, remember_rows, remembered_rows
from customers.timeline import (
    TimelineEntry,
    TimelineRows,
    person_fields,
    person_name,
    register_timeline_source,
    step_entries,
)
from surveys.invitation_sources import InvitationSource, register_invitation_source

from . import selectors
from .models import Delivery, RequestState, RequestTransition, SupportRequest

WORK_ITEMS = 15
PANEL_REQUESTS = 10

navigation.register_nav_item(
    "customers",
    navigation.NavItem(
        gettext_lazy("Support requests"),
        "support:request_list",
        "box2-heart",
        "support.view_supportrequest",
        weight=20,
    ),
)
navigation.register_nav_item(
    "customers",
    navigation.NavItem(
        gettext_lazy("Research committee"),
        "support:meeting_list",
        "people",
        "support.view_committeemeeting",
        weight=20,
    ),
)


# --- «عملي» -----------------------------------------------------------------------------------

# What the person waiting on each step does next.
STEP_NEXT = {
    RequestState.RECEIVED: gettext_lazy("Check the documents"),
    RequestState.INCOMPLETE: gettext_lazy("Waiting for the missing documents"),
    RequestState.AWAITING_DECLARATION: gettext_lazy("Record the applicant's declaration"),
    RequestState.RESEARCH: gettext_lazy("Answer, visit and write the research report"),
    RequestState.READY: gettext_lazy("Put on a committee meeting's agenda"),
    RequestState.APPEALED: gettext_lazy("Appeal: put on a committee meeting's agenda"),
}


def _item(support_request: SupportRequest, detail: Any) -> mywork.WorkItem:
    return mywork.WorkItem(
        title=f"{support_request.tracking_number} · {support_request.applicant_name} · "
        f"{STEP_NEXT.get(support_request.state, support_request.get_state_display())}",
        url=reverse("support:request_detail", args=[support_request.pk]),
        due=selectors.due_datetime(support_request.committee_due_on),
        detail=str(detail),
    )


@mywork.register_work_provider
def support_reception_work(user: User) -> mywork.WorkSection | None:
    """Reception staff: requests received, incomplete or awaiting the declaration."""
    if not user.has_perm("support.handle_request"):
        return None
    items = [
        _item(support_request, _("Committee's deadline"))
        for support_request in selectors.waiting_for_handler(user, WORK_ITEMS)
    ]
    if not items:
        return None
    return mywork.WorkSection(
        title=_("Support requests"),
        items=items,
        list_url=reverse("support:request_list") + "?mine=on",
    )


@mywork.register_work_provider
def support_research_work(user: User) -> mywork.WorkSection | None:
    """The social research officer: the requests referred to them (or to anyone)."""
    if not user.has_perm("support.research_request"):
        return None
    items = [
        _item(support_request, _("Committee's deadline"))
        for support_request in selectors.waiting_for_research(user, WORK_ITEMS)
    ]
    if not items:
        return None
    return mywork.WorkSection(
        title=_("Social research"),
        items=items,
        list_url=reverse("support:request_list") + f"?state={RequestState.RESEARCH}",
    )


@mywork.register_work_provider
def support_committee_work(user: User) -> mywork.WorkSection | None:
    """The committee's keeper: ready requests waiting for an agenda; its members: the
    requests on a planned meeting's agenda without a decision."""
    items: list[mywork.WorkItem] = []
    if user.has_perm("support.manage_committee"):
        items += [
            _item(support_request, _("Committee's deadline"))
            for support_request in selectors.waiting_for_agenda(WORK_ITEMS)
        ]
    if user.has_perm("support.decide_request"):
        for agenda_item in selectors.waiting_for_decision(WORK_ITEMS):
            support_request = agenda_item.request
            items.append(
                mywork.WorkItem(
                    title=_("%(number)s · %(name)s · decide at %(meeting)s")
                    % {
                        "number": support_request.tracking_number,
                        "name": support_request.applicant_name,
                        "meeting": agenda_item.meeting,
                    },
                    url=reverse("support:meeting_detail", args=[agenda_item.meeting_id])
                    + f"#item-{agenda_item.pk}",
                    due=selectors.due_datetime(support_request.committee_due_on),
                    detail=str(_("Committee's deadline")),
                )
            )
    if not items:
        return None
    return mywork.WorkSection(
        title=_("Research committee"), items=items, list_url=reverse("support:meeting_list")
    )


# --- the customer 360: panel and timeline -----------------------------------------------------

SUPPORT = "support_requests"
# What a request's entry in the timeline and the panel read of it.
REQUEST_ENTRY_FIELDS = (
    "received_at",
    "tracking_number",
    "channel",
    "state",
    "committee_due_on",
    "support_type__name",
    *person_fields("registered_by"),
)


def _newest_requests(customer: Customer, user: User) -> QuerySet[SupportRequest]:
    return (
        selectors.requests_visible_to(user)
        .filter(customer=customer)
        .order_by("-received_at", "-id")
    )


@register_profile_panel
def support_panel(customer: Customer, user: User) -> ProfilePanel | None:
    if not user.has_perm("support.view_supportrequest"):
        return None
    newest = list(
        _newest_requests(customer, user)
        .select_related("support_type", "registered_by")
        .only(*REQUEST_ENTRY_FIELDS)[: PANEL_REQUESTS + 1]
    )
    requests = remember_rows(customer, f"support:requests:{user.pk}", newest)
    if not requests:
        return None
    return ProfilePanel(
        title=_("Support requests"),
        template="support/panel_requests.html",
        context={"requests": requests[:PANEL_REQUESTS], "more": len(requests) > PANEL_REQUESTS},
    )


@register_timeline_source(
    SUPPORT,
    gettext_lazy("Support requests"),
    "box2-heart",
    permission="support.view_supportrequest",
)
def support_entries(customer: Customer, user: User, limit: int) -> list[TimelineRows]:
    """Each support request's reception and its steps."""
    return [
        TimelineRows(
            lambda: _newest_requests(customer, user),
            model=SupportRequest,
            at="received_at",
            entry=_request_entry,
            read=remembered_rows(customer, f"support:requests:{user.pk}"),
            fields=REQUEST_ENTRY_FIELDS,
        ),
        step_entries(
            lambda: RequestTransition.objects.filter(
                request__in=_newest_requests(customer, user).values("pk")
            ).exclude(source=F("target")),
            model=RequestTransition,
            kind=SUPPORT,
            icon="arrow-left-circle",
            title=lambda step: (
                _("Support request %(number)s: %(state)s")
                % {"number": step.request.tracking_number, "state": step.get_target_display()}
            ),
            url=lambda step: reverse("support:request_detail", args=[step.request_id]),
            fields=("request__tracking_number",),
        ),
        TimelineRows(
            lambda: Delivery.objects.filter(
                customer=customer, request__in=_newest_requests(customer, user).values("pk")
            ).order_by("-delivered_on", "-id"),
            model=Delivery,
            at="delivered_on",
            entry=_delivery_entry,
            fields=DELIVERY_ENTRY_FIELDS,
        ),
    ]


DELIVERY_ENTRY_FIELDS = (
    "delivered_on",
    "amount",
    "quantity",
    "request_id",
    "support_type__name",
    "distribution_day__title",
    *person_fields("delivered_by"),
)


def _delivery_entry(delivery: Delivery) -> TimelineEntry:
    """The support delivered: its type, the amount or quantity, the distribution day."""
    given = riyals(delivery.amount) if delivery.amount is not None else number(delivery.quantity)
    title = _("Support delivered: %(type)s · %(given)s") % {
        "type": delivery.support_type.name,
        "given": given,
    }
    return TimelineEntry(
        when=delivery.delivered_on,
        kind=SUPPORT,
        icon="box-seam",
        title=title,
        detail=day.title if (day := delivery.distribution_day) is not None else "",
        url=reverse("support:request_detail", args=[delivery.request_id]),
        actor=person_name(delivery.delivered_by),
    )


def _request_entry(support_request: SupportRequest) -> TimelineEntry:
    return TimelineEntry(
        when=support_request.received_at,
        kind=SUPPORT,
        icon="box2-heart",
        title=_("Support request %(number)s received: %(type)s")
        % {
            "number": support_request.tracking_number,
            "type": support_request.support_type.name,
        },
        detail=_("Channel: %(channel)s") % {"channel": support_request.get_channel_display()},
        url=reverse("support:request_detail", args=[support_request.pk]),
        actor=person_name(support_request.registered_by),
    )


# Part B: distribution days, statistics, «عملي» of registration, service and re-assessment,
# the customers' entry signal, the public request as a tracked link's outcome.
from . import registrations_service  # noqa: E402, F401


def served_between(first: date, last: date, centre: Centre | None) -> QuerySet[Customer]:
    """The beneficiaries who received support in the period (at the centre when given): seed
    003 ends the service with their satisfaction, asked by the quality officer's survey."""
    deliveries = Delivery.objects.filter(delivered_on__range=(first, last))
    if centre is not None:
        deliveries = deliveries.filter(centre=centre)
    return Customer.objects.filter(pk__in=deliveries.values("customer_id"))


register_invitation_source(
    InvitationSource(
        key="support_deliveries",
        label=gettext_lazy("Beneficiaries who received support"),
        customers=served_between,
    )
)
