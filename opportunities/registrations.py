"""What the opportunities pillar adds to the navigation bar, the my-work page and the
customer profile."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import mywork, navigation
from customers.models import CustomerKind
from customers.profile import ProfilePanel, register_profile_panel

from . import profile_panels  # noqa: F401  (the donations panel registers itself)

# Shown on the my-work page; the full lists are one click away.
WORK_ITEMS = 20

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
    navigation.NavItem(
        gettext_lazy("Donor contacts awaiting approval"),
        "opportunities:contacts_pending",
        "shield-check",
        "opportunities.approve_donorcontact",
    ),
):
    navigation.register_nav_item("marketing", item)

# The link to the finance system (6.1.7) sits with the customer data.
for item in (
    navigation.NavItem(
        gettext_lazy("Donations received"),
        "opportunities:donation_list",
        "cash-coin",
        "opportunities.view_donation",
    ),
    navigation.NavItem(
        gettext_lazy("Import donations from the finance system"),
        "opportunities:donation_import",
        "upload",
        "opportunities.add_donation",
    ),
    navigation.NavItem(
        gettext_lazy("Donations to match"),
        "opportunities:donations_unmatched",
        "link-45deg",
        "opportunities.change_donation",
    ),
):
    navigation.register_nav_item("customers", item)


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
    """3.1.21: contact with another's donor needs the CRM manager's approval."""
    from .selectors import contacts_awaiting_approval

    if not user.has_perm("opportunities.approve_donorcontact"):
        return None
    items = [
        mywork.WorkItem(
            title=_("%(staff)s with %(donor)s")
            % {"staff": _name(contact.staff), "donor": contact.donor.name},
            url=reverse("opportunities:contacts_pending"),
            detail=_("Point of contact: %(point)s")
            % {"point": _name(contact.donor.point_of_contact)},
        )
        for contact in contacts_awaiting_approval()[:WORK_ITEMS]
    ]
    if not items:
        return None
    return mywork.WorkSection(
        title=_("Donor contacts awaiting your approval"),
        items=items,
        list_url=reverse("opportunities:contacts_pending"),
    )


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
            url=_contact_url(contact),
            detail=f"{contact.get_channel_display()} · {contact.get_approval_display()}",
        )
        for contact in contacts
    ]
    return mywork.WorkSection(title=_("Contacts by others with your donors"), items=items)


def _name(user):
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def _contact_url(contact):
    if contact.opportunity_id:
        return reverse("opportunities:detail", args=[contact.opportunity_id])
    return reverse("customers:detail", args=[contact.donor_id])


# --- the donor's profile ----------------------------------------------------------------


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
            "contacts": list(recent_contacts_with(customer, limit=5)),
            "opportunities": list(open_opportunities_of(customer)[:10]),
            "interests": list(customer.interests.select_related("category")),
            "may_log": user.has_perm("opportunities.add_donorcontact"),
        },
    )
