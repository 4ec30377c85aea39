"""What the complaints register adds to a customer's profile (the customer 360): the cases
panel (newest first, limited to the cases the reader may see), the open-cases badge, the
"new case" action and the cases in the timeline. Imported at start-up by
complaints.registrations."""

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from association.selectors import centres_by_pk
from customers.compiled import profile_now
from customers.profile import (
    CountedBadge,
    ProfileAction,
    ProfileBadge,
    ProfilePanel,
    register_profile_action,
    register_profile_badge,
    register_profile_panel,
    remember_rows,
    remembered_rows,
)
from customers.timeline import (
    TimelineEntry,
    TimelineRows,
    person_fields,
    person_name,
    register_timeline_source,
    step_entries,
)

from .models import Case, CaseEvent, CaseTransition
from .selectors import (
    case_events_of_customer,
    case_steps_of_customer,
    cases_of_customer,
    open_cases_of_customer,
)

PANEL_CASES = 10
# What a case's entry in the timeline reads of it (_case_entry).
CASE_ENTRY_FIELDS = (
    "received_at",
    "kind",
    "tracking_number",
    "subject",
    "channel",
    "routed_to",
    "centre_id",
    *person_fields("registered_by"),
)


@register_profile_panel
def cases_panel(customer, user):
    if not user.has_perm("complaints.view_case"):
        return None
    # The columns the panel and the timeline's entry show (the timeline shows these rows
    # again): reading no other, the SQL is shorter to write. Their centre comes from the
    # places cache in the timeline (with_cached_case_centres), the panel shows none.
    newest = list(
        _newest_cases(customer, user)
        .select_related("registered_by")
        .only(*CASE_ENTRY_FIELDS, "state", "due_at")[: PANEL_CASES + 1]
    )
    cases = remember_rows(customer, f"complaints:cases:{user.pk}", newest)
    if not cases:
        return None
    return ProfilePanel(
        title=_("Complaints, inquiries and suggestions"),
        template="complaints/panel_cases.html",
        context={
            "cases": cases[:PANEL_CASES],
            "more_url": (
                f"{reverse('complaints:list')}?{urlencode({'q': customer.mobile})}"
                if len(cases) > PANEL_CASES and customer.mobile
                else ""
            ),
        },
    )


# --- the customer 360: badge, action, timeline --------------------------------------------

CASES = "cases"


@register_profile_badge
def open_cases_badge(customer, user):
    if not user.has_perm("complaints.view_case"):
        return None
    # The page's instant (customers.compiled): the badges' query is compiled once.
    overdue = Q(due_at__lt=profile_now())
    return CountedBadge(
        lambda: open_cases_of_customer(user, customer),
        {"open": Count("pk"), "overdue": Count("pk", filter=overdue)},
        _open_cases_badge,
    )


def _open_cases_badge(counts):
    if not counts["open"]:
        return None
    label = ngettext("%(count)s open case", "%(count)s open cases", counts["open"]) % {
        "count": counts["open"]
    }
    if counts["overdue"]:
        label += " · " + ngettext("%(count)s overdue", "%(count)s overdue", counts["overdue"]) % {
            "count": counts["overdue"]
        }
    return ProfileBadge(
        label=label,
        tone="danger" if counts["overdue"] else "warning",
        url=f"?kind={CASES}#timeline",
        icon="chat-left-text",
    )


@register_profile_action
def new_case_action(customer, user):
    """Register a complaint, inquiry or suggestion for this customer, the code filled in."""
    if not customer.is_active or not user.has_perm("complaints.add_case"):
        return None
    return ProfileAction(
        label=_("New case"),
        url=f"{reverse('complaints:new')}?{urlencode({'customer': customer.code})}",
        icon="plus-circle",
        primary=True,
    )


@register_timeline_source(
    CASES,
    gettext_lazy("Complaints, inquiries and suggestions"),
    "chat-left-text",
    permission="complaints.view_case",
)
def case_entries(customer, user, limit):
    """Each case's registration, its steps, referrals and re-routes."""
    return [
        TimelineRows(
            lambda: _newest_cases(customer, user),
            model=Case,
            at="received_at",
            entry=_case_entry,
            read=remembered_rows(customer, f"complaints:cases:{user.pk}"),
            prepare=with_cached_case_centres,
            fields=CASE_ENTRY_FIELDS,
        ),
        step_entries(
            lambda: case_steps_of_customer(user, customer).exclude(source=F("target")),
            model=CaseTransition,
            kind=CASES,
            icon="arrow-left-circle",
            title=lambda step: (
                _("%(kind)s %(number)s: %(state)s")
                % {
                    "kind": step.case.get_kind_display(),
                    "number": step.case.tracking_number,
                    "state": step.get_target_display(),
                }
            ),
            url=_case_url,
            fields=("case__kind", "case__tracking_number"),
        ),
        TimelineRows(
            lambda: case_events_of_customer(user, customer),
            model=CaseEvent,
            at="at",
            entry=_event_entry,
            prepare=with_cached_centres,
            fields=(
                "at",
                "kind",
                "note",
                "from_route",
                "to_route",
                "from_centre_id",
                "to_centre_id",
                "case__kind",
                "case__tracking_number",
                *person_fields("actor"),
            ),
        ),
    ]


def _case_entry(case):
    return TimelineEntry(
        when=case.received_at,
        kind=CASES,
        icon="chat-left-text",
        title=_("%(kind)s %(number)s registered: %(subject)s")
        % {
            "kind": case.get_kind_display(),
            "number": case.tracking_number,
            "subject": case.subject,
        },
        detail=_("Channel: %(channel)s · routed to %(route)s")
        % {"channel": case.get_channel_display(), "route": case.route_display},
        url=reverse("complaints:detail", args=[case.pk]),  # the case is visible
        actor=person_name(case.registered_by),
    )


def _event_entry(event):
    return TimelineEntry(
        when=event.at,
        kind=CASES,
        icon="signpost-split",
        title=_("%(kind)s %(number)s: %(event)s")
        % {
            "kind": event.case.get_kind_display(),
            "number": event.case.tracking_number,
            "event": event.get_kind_display(),
        },
        detail=(
            _("From %(from)s to %(to)s") % {"from": event.from_display, "to": event.to_display}
            if event.moves
            else event.note
        ),
        url=_case_url(event),
        actor=person_name(event.actor),
    )


def with_cached_centres(events):
    """The case events with their centres (from and to) taken from the places cache."""
    centres = centres_by_pk()
    events = list(events)
    for event in events:
        for field in ("from_centre", "to_centre"):
            centre = centres.get(getattr(event, f"{field}_id"))
            if centre is not None:
                setattr(event, field, centre)
    return events


def with_cached_case_centres(cases):
    """The cases with their centre taken from the places cache (those the panel read have
    it already)."""
    centres = centres_by_pk()
    for case in cases:
        centre = centres.get(case.centre_id)
        if centre is not None:
            case.centre = centre
    return cases


def _newest_cases(customer, user):
    """The customer's cases this user reads, newest first (the cases panel and the
    timeline)."""
    return cases_of_customer(user, customer).select_related(None).order_by("-received_at", "-id")


def _case_url(record):
    """A step or an event of a case the reader sees: its page."""
    return reverse("complaints:detail", args=[record.case_id])
