"""What the opportunities pillar adds to the customer 360 page: the badges (contacts
awaiting approval, unresolved problems), the actions (log a contact, record a problem) and
the timeline (contacts, opportunity moves, point-of-contact designations, problems).
Imported at start-up by opportunities.registrations."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from customers.models import CustomerKind
from customers.profile import (
    ProfileAction,
    counted_rows_badge,
    register_profile_action,
    register_profile_badge,
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

from . import problems, selectors
from .models import (
    DesignationTransition,
    DonorContact,
    DonorProblem,
    OpportunityTransition,
    PointOfContactDesignation,
    PotentialDonor,
    ProblemTransition,
)

CONTACTS = "contacts"
OPPORTUNITIES = "opportunities"
POINT_OF_CONTACT = "point_of_contact"
PROBLEMS = "problems"


# --- badges -------------------------------------------------------------------------------

# Made once: a lazy translation costs more to make than the badge's other work.
CONTACTS_AWAITING = ngettext_lazy(
    "%(count)s contact awaiting approval", "%(count)s contacts awaiting approval", "count"
)
UNRESOLVED_PROBLEMS = ngettext_lazy(
    "%(count)s unresolved problem", "%(count)s unresolved problems", "count"
)


@register_profile_badge
def pending_contacts_badge(customer, user):
    if customer.kind != CustomerKind.DONOR or not user.has_perm("opportunities.view_donorcontact"):
        return None
    return counted_rows_badge(
        lambda: selectors.pending_contacts_of(customer),
        CONTACTS_AWAITING,
        tone="warning",
        kind=CONTACTS,
        icon="shield-exclamation",
    )


@register_profile_badge
def unresolved_problems_badge(customer, user):
    if customer.kind != CustomerKind.DONOR or not user.has_perm("opportunities.view_donorproblem"):
        return None
    return counted_rows_badge(
        lambda: problems.unresolved_problems_of(user, customer),
        UNRESOLVED_PROBLEMS,
        tone="danger",
        kind=PROBLEMS,
        icon="exclamation-octagon",
    )


# --- actions ------------------------------------------------------------------------------


@register_profile_action
def log_contact_action(customer, user):
    if (
        customer.kind != CustomerKind.DONOR
        or not customer.is_active
        or not user.has_perm("opportunities.add_donorcontact")
    ):
        return None
    return ProfileAction(
        label=_("Log a contact"),
        url=reverse("opportunities:donor_contact_new", args=[customer.pk]),
        icon="telephone-plus",
    )


@register_profile_action
def record_problem_action(customer, user):
    if customer.kind != CustomerKind.DONOR or not user.has_perm("opportunities.add_donorproblem"):
        return None
    return ProfileAction(
        label=_("Record a problem"),
        url=f"{reverse('opportunities:problem_create')}?{urlencode({'donor': customer.code})}",
        icon="exclamation-octagon",
    )


# --- timeline -----------------------------------------------------------------------------


# What a contact's entry reads (the contacts panel reads them too, for the timeline to reuse).
CONTACT_ENTRY_FIELDS = (
    "contact_date",
    "channel",
    "summary",
    "is_planned",
    "approval",
    "opportunity__title",
    *person_fields("staff"),
)


@register_timeline_source(
    CONTACTS,
    gettext_lazy("Donor contacts"),
    "telephone",
    permission="opportunities.view_donorcontact",
)
def contact_entries(customer, user, limit):
    return [
        TimelineRows(
            lambda: selectors.contacts_of_donor(customer),
            model=DonorContact,
            at="contact_date",
            entry=_contact_entry,
            read=remembered_rows(customer, "opportunities:contacts"),
            fields=CONTACT_ENTRY_FIELDS,
        )
    ]


def _contact_entry(contact):
    if contact.is_request:
        title = _("Request to contact by %(channel)s")
    elif contact.is_planned:
        title = _("Contact planned by %(channel)s")
    else:
        title = _("Contact by %(channel)s")
    detail = contact.summary
    if contact.is_flagged:
        detail = f"{contact.get_approval_display()} · {detail}"
    if contact.opportunity_id:
        detail = f"{contact.opportunity.title} · {detail}"
    return TimelineEntry(
        when=contact.contact_date,
        kind=CONTACTS,
        icon="telephone",
        title=title % {"channel": contact.get_channel_display()},
        detail=detail,
        url=reverse("opportunities:contact_detail", args=[contact.pk]),
        actor=person_name(contact.staff),
    )


@register_timeline_source(
    OPPORTUNITIES,
    gettext_lazy("Opportunities"),
    "kanban",
    permission="opportunities.view_opportunity",
)
def opportunity_entries(customer, user, limit):
    """When the donor was named on an opportunity, and every move of those opportunities."""
    return [
        TimelineRows(
            lambda: selectors.donor_additions_of(customer),
            model=PotentialDonor,
            at="added_at",
            entry=lambda row: TimelineEntry(
                when=row.added_at,
                kind=OPPORTUNITIES,
                icon="person-plus",
                title=_("Named a potential donor of the opportunity %(title)s")
                % {"title": row.opportunity.title},
                url=reverse("opportunities:detail", args=[row.opportunity_id]),
                actor=person_name(row.added_by),
            ),
            fields=("added_at", "opportunity__title", *person_fields("added_by")),
        ),
        step_entries(
            lambda: selectors.opportunity_steps_of_donor(customer),
            model=OpportunityTransition,
            kind=OPPORTUNITIES,
            icon="kanban",
            title=lambda step: (
                _("The opportunity %(title)s moved to %(state)s")
                % {"title": step.opportunity.title, "state": step.get_target_display()}
            ),
            url=lambda step: reverse("opportunities:detail", args=[step.opportunity_id]),
            fields=("opportunity__title",),
        ),
    ]


@register_timeline_source(
    POINT_OF_CONTACT,
    gettext_lazy("Point of contact"),
    "person-badge",
    permission="opportunities.view_pointofcontactdesignation",
)
def designation_entries(customer, user, limit):
    """Each proposal of a point of contact and the secretary's decision on it (3.1.21)."""
    return [
        TimelineRows(
            lambda: selectors.designations_of(customer),
            model=PointOfContactDesignation,
            at="created_at",
            read=remembered_rows(customer, "opportunities:designations"),
            entry=lambda designation: TimelineEntry(
                when=designation.created_at,
                kind=POINT_OF_CONTACT,
                icon="person-badge",
                title=_("%(person)s proposed as the point of contact")
                % {"person": person_name(designation.staff)},
                detail=designation.reason,
                url=reverse("opportunities:designation_detail", args=[designation.pk]),
                actor=person_name(designation.proposed_by),
            ),
            fields=(
                "created_at",
                "reason",
                *person_fields("staff"),
                *person_fields("proposed_by"),
            ),
        ),
        step_entries(
            lambda: selectors.designation_steps_of(customer),
            model=DesignationTransition,
            kind=POINT_OF_CONTACT,
            icon="person-check",
            title=lambda step: (
                _("Point of contact %(person)s: %(state)s")
                % {
                    "person": person_name(step.designation.staff),
                    "state": step.get_target_display(),
                }
            ),
            url=lambda step: reverse(
                "opportunities:designation_detail", args=[step.designation_id]
            ),
            fields=(
                "designation__staff__first_name",
                "designation__staff__last_name",
                "designation__staff__username",
            ),
        ),
    ]


@register_timeline_source(
    PROBLEMS,
    gettext_lazy("Donor-relationship problems"),
    "exclamation-octagon",
    permission="opportunities.view_donorproblem",
)
def problem_entries(customer, user, limit):
    return [
        TimelineRows(
            lambda: problems.problems_raised_for(user, customer),
            model=DonorProblem,
            at="raised_at",
            entry=lambda problem: TimelineEntry(
                when=problem.raised_at,
                kind=PROBLEMS,
                icon="exclamation-octagon",
                title=_("Problem recorded: %(title)s") % {"title": problem.title},
                detail=f"{problem.get_kind_display()} · {problem.get_severity_display()}",
                url=reverse("opportunities:problem_detail", args=[problem.pk]),
                actor=person_name(problem.raised_by),
            ),
            fields=("raised_at", "title", "kind", "severity", *person_fields("raised_by")),
        ),
        step_entries(
            lambda: problems.problem_steps_of_donor(user, customer),
            model=ProblemTransition,
            kind=PROBLEMS,
            icon="check2-circle",
            title=lambda step: (
                _("Problem %(title)s: %(state)s")
                % {"title": step.problem.title, "state": step.get_target_display()}
            ),
            url=lambda step: reverse("opportunities:problem_detail", args=[step.problem_id]),
            fields=("problem__title",),
        ),
    ]
