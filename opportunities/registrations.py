"""What the opportunities pillar adds to the navigation bar, the my-work page, the
customer profile and the programmes portfolio (the pledges)."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core import dashboard, mywork, navigation
from customers.models import CustomerKind
from customers.profile import ProfilePanel, register_profile_panel, remember_rows
from customers.timeline import person_fields
from programmes import funding

from . import profile_sources  # noqa: F401  (badges, actions and timeline of the customer 360)
from .models import Opportunity, OpportunityState

# Shown on the my-work page; the full lists are one click away.
WORK_ITEMS = 20


class AnyPermissionNavItem(navigation.NavItem):
    """A page for holders of any of several permissions (e.g. the three approving parties)."""

    def __init__(self, label, url_name, icon, permissions):
        super().__init__(label, url_name, icon, permissions[0])
        object.__setattr__(self, "permissions", tuple(permissions))

    def visible_to(self, user):
        return any(user.has_perm(permission) for permission in self.permissions)


for item in (
    navigation.NavItem(
        gettext_lazy("Opportunities board"),
        "opportunities:board",
        "kanban",
        "opportunities.view_opportunity",
    ),
    navigation.NavItem(
        gettext_lazy("Opportunities list"),
        "opportunities:list",
        "list-ul",
        "opportunities.view_opportunity",
    ),
    navigation.NavItem(
        gettext_lazy("New opportunity"),
        "opportunities:create",
        "plus-circle",
        "opportunities.add_opportunity",
    ),
    AnyPermissionNavItem(
        gettext_lazy("Donor contacts awaiting approval"),
        "opportunities:contacts_pending",
        "shield-check",
        (
            "opportunities.approve_donorcontact",
            "opportunities.approve_donorcontact_resources",
            "opportunities.approve_donorcontact_secretary",
        ),
    ),
    navigation.NavItem(
        gettext_lazy("Points of contact"),
        "opportunities:designation_list",
        "person-badge",
        "opportunities.view_pointofcontactdesignation",
    ),
):
    navigation.register_nav_item("marketing", item)

# Pledged: the written pledges of opportunities in closing or successful.
PLEDGED_STATES = (OpportunityState.CLOSING, OpportunityState.SUCCESSFUL)
funding.register_funding_source(
    funding.PLEDGED,
    funding.FundingSource(
        rows=lambda: Opportunity.objects.filter(state__in=PLEDGED_STATES),
        amount_field="pledged_amount",
    ),
)

# --- my work ----------------------------------------------------------------------------


@mywork.register_work_provider
def stale_opportunities(user):
    """Procedure step 5: opportunities are reviewed weekly. The owner sees their own that had
    no activity for a week; the CRM manager sees all of them."""
    from .models import STALE_AFTER
    from .selectors import stale_opportunities_for

    if not user.has_perm("opportunities.view_opportunity"):
        return None
    stale = list(stale_opportunities_for(user)[:WORK_ITEMS])
    if not stale:
        return None
    items = [
        mywork.WorkItem(
            title=opportunity.title,
            url=reverse("opportunities:detail", args=[opportunity.pk]),
            due=opportunity.last_activity_at + STALE_AFTER,
            detail=f"{opportunity.get_state_display()} · {opportunity.programme.name}",
        )
        for opportunity in stale
    ]
    query = {"stale": "1"}
    if not user.has_perm("opportunities.move_opportunity"):
        query["owner"] = user.pk
    return mywork.WorkSection(
        title=_("Opportunities with no activity for a week"),
        items=items,
        list_url=f"{reverse('opportunities:list')}?{urlencode(query)}",
    )


@mywork.register_work_provider
def contacts_to_approve(user):
    """3.1.21: a contact with another's donor needs the CRM manager, resource development
    and the sub-council secretary, each deciding in parallel within the deadline."""
    from .selectors import contact_steps_awaiting

    steps = list(contact_steps_awaiting(user)[:WORK_ITEMS])
    if not steps:
        return None
    items = [
        mywork.WorkItem(
            title=(
                _("%(staff)s asks to contact %(donor)s")
                if step.contact.is_planned
                else _("%(staff)s contacted %(donor)s")
            )
            % {"staff": _name(step.contact.staff), "donor": step.contact.donor.name},
            url=reverse("opportunities:contact_detail", args=[step.contact_id]),
            due=step.due_at,
            detail=_("Your decision as %(party)s · point of contact: %(point)s")
            % {
                "party": step.get_party_display(),
                "point": _name(step.contact.donor.point_of_contact),
            },
        )
        for step in steps
    ]
    return mywork.WorkSection(
        title=_("Donor contacts awaiting your approval"),
        items=items,
        list_url=reverse("opportunities:contacts_pending"),
    )


@mywork.register_work_provider
def my_flagged_contacts(user):
    """The person who made or asked for a flagged contact follows its approvals and learns
    the decision; an approved request waits for the contact to be recorded as made."""
    from .models import ContactApproval
    from .selectors import flagged_contacts_of

    contacts = [
        contact
        for contact in flagged_contacts_of(user)[:WORK_ITEMS]
        if not (contact.is_planned and _made(contact))
    ]
    if not contacts:
        return None
    items = []
    for contact in contacts:
        steps = list(contact.approval_steps.all())
        approved = sum(1 for step in steps if step.decision == "approved")
        if contact.approval == ContactApproval.PENDING:
            detail = _("Approved by %(approved)s of %(total)s") % {
                "approved": approved,
                "total": len(steps),
            }
        elif contact.approval == ContactApproval.APPROVED:
            detail = (
                _("Approved: record the contact once made") if contact.is_planned else _("Approved")
            )
        else:
            detail = _("Refused: %(reason)s") % {"reason": contact.decision_note or "—"}
        items.append(
            mywork.WorkItem(
                title=(
                    _("Your request to contact %(donor)s")
                    if contact.is_planned
                    else _("Your contact with %(donor)s")
                )
                % {"donor": contact.donor.name},
                url=reverse("opportunities:contact_detail", args=[contact.pk]),
                detail=detail,
            )
        )
    return mywork.WorkSection(title=_("Your contacts with others' donors"), items=items)


def _made(contact):
    try:
        return contact.made_contact is not None
    except contact.__class__.made_contact.RelatedObjectDoesNotExist:
        return False


@mywork.register_work_provider
def designations_to_approve(user):
    """3.1.21: the sub-council secretary approves who speaks for each donor."""
    from .selectors import designations_awaiting_approval

    if not user.has_perm("opportunities.approve_pointofcontactdesignation"):
        return None
    items = [
        mywork.WorkItem(
            title=_("%(person)s for %(donor)s")
            % {"person": _name(designation.staff), "donor": designation.donor.name},
            url=reverse("opportunities:designation_detail", args=[designation.pk]),
            due=designation.due_at,
            detail=_("Proposed by %(person)s") % {"person": _name(designation.proposed_by)},
        )
        for designation in designations_awaiting_approval()[:WORK_ITEMS]
    ]
    if not items:
        return None
    return mywork.WorkSection(
        title=_("Points of contact awaiting your approval"),
        items=items,
        list_url=reverse("opportunities:designation_list"),
    )


@mywork.register_work_provider
def my_designation_proposals(user):
    """Whoever proposed a point of contact sees it waiting, then the secretary's decision."""
    from .selectors import designation_proposals_of

    if not user.has_perm("opportunities.add_pointofcontactdesignation"):
        return None
    items = [
        mywork.WorkItem(
            title=_("%(person)s for %(donor)s")
            % {"person": _name(designation.staff), "donor": designation.donor.name},
            url=reverse("opportunities:designation_detail", args=[designation.pk]),
            detail=str(designation.get_state_display()),
        )
        for designation in designation_proposals_of(user)[:WORK_ITEMS]
    ]
    if not items:
        return None
    return mywork.WorkSection(title=_("Your point-of-contact proposals"), items=items)


@mywork.register_work_provider
def contacts_with_my_donors(user):
    """The point of contact learns of every contact others made with their donors."""
    from .selectors import flagged_contacts_with_donors_of

    contacts = list(flagged_contacts_with_donors_of(user)[:WORK_ITEMS])
    if not contacts:
        return None
    items = [
        mywork.WorkItem(
            title=_("%(staff)s contacted %(donor)s")
            % {"staff": _name(contact.staff), "donor": contact.donor.name},
            url=reverse("opportunities:contact_detail", args=[contact.pk]),
            detail=f"{contact.get_channel_display()} · {contact.get_approval_display()}",
        )
        for contact in contacts
    ]
    return mywork.WorkSection(title=_("Contacts by others with your donors"), items=items)


def _name(user):
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


# --- the donor's profile ----------------------------------------------------------------


PANEL_DESIGNATIONS = 10
# What the panels show of a row and the timeline's entry of it (the panels' rows are
# shown again there, profile_sources): reading no other column, the page's SQL is shorter
# to write. The donor is the customer shown. A field left out costs a query per row, which
# the query-budget tests catch.
PANEL_DESIGNATION_FIELDS = (
    "state",
    "carried_over",
    "reason",
    "created_at",
    "decided_at",
    "ended_at",
    *(path for person in ("staff", "proposed_by", "decided_by") for path in person_fields(person)),
)
PANEL_CONTACT_FIELDS = (
    *profile_sources.CONTACT_ENTRY_FIELDS,
    "opportunity__state",  # a django-fsm instance reads its state when made
)


@register_profile_panel
def point_of_contact_panel(customer, user):
    """The donor's single point of contact, its designations (who proposed, who approved)
    and, for those allowed, a proposal of another one or a request to contact (3.1.21)."""
    from .selectors import designations_of

    if customer.kind != CustomerKind.DONOR or not user.has_perm(
        "opportunities.view_pointofcontactdesignation"
    ):
        return None
    is_point = customer.point_of_contact_id == user.pk
    return ProfilePanel(
        title=_("Point of contact"),
        template="opportunities/panel_point_of_contact.html",
        context={
            "designations": remember_rows(
                customer,
                "opportunities:designations",
                list(
                    designations_of(customer)
                    .select_related(None)
                    .select_related("staff", "proposed_by", "decided_by")
                    .only(*PANEL_DESIGNATION_FIELDS)[:PANEL_DESIGNATIONS]
                ),
            ),
            "may_propose": customer.is_active
            and user.has_perm("opportunities.add_pointofcontactdesignation"),
            "may_request": customer.is_active
            and not is_point
            and customer.point_of_contact_id is not None
            and user.has_perm("opportunities.add_donorcontact"),
            "is_point": is_point,
        },
    )


@register_profile_panel
def contacts_panel(customer, user):
    """Recent contacts and open opportunities of a donor, with links to record more."""
    from .selectors import open_opportunities_of, recent_contacts_with

    if customer.kind != CustomerKind.DONOR or not user.has_perm("opportunities.view_opportunity"):
        return None
    return ProfilePanel(
        title=_("Contacts and opportunities"),
        template="opportunities/panel_contacts.html",
        context={
            "contacts": remember_rows(
                customer,
                "opportunities:contacts",
                list(recent_contacts_with(customer, limit=5).only(*PANEL_CONTACT_FIELDS)),
            ),
            "opportunities": list(
                open_opportunities_of(customer)
                .select_related(None)
                .only("title", "state", "probability")[:10]
            ),
            "interests": list(customer.interests.select_related("category")),
            "may_log": user.has_perm("opportunities.add_donorcontact"),
        },
    )


# --- headline figures on "عملي" (core.dashboard) ---------------------------------------------


@dashboard.register_headline
def pipeline_headline(user):
    """The open pipeline (expected amounts) and the weighted pipeline (by the success
    probability), with the amount at each stage."""
    from .models import OpportunityState
    from .selectors import open_pipeline_by_state

    if not user.has_perm("opportunities.view_opportunity"):
        return None
    rows = open_pipeline_by_state()
    count = sum(row.count for row in rows)
    return dashboard.Headline(
        key="pipeline",
        order=40,
        label=_("Pipeline (SAR)"),
        value=dashboard.figure(sum(row.total for row in rows)),
        detail=ngettext(
            "Weighted: %(weighted)s SAR · %(count)s open opportunity",
            "Weighted: %(weighted)s SAR · %(count)s open opportunities",
            count,
        )
        % {
            "weighted": dashboard.figure(sum(row.weighted for row in rows)),
            "count": dashboard.figure(count),
        },
        url=reverse("opportunities:board"),
        chart=dashboard.bar_chart(
            [(str(OpportunityState(row.state).label), row.total) for row in rows],
            _("Expected amounts at each stage"),
        ),
    )
