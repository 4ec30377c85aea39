"""The cases panel on a customer's profile: their complaints, inquiries and suggestions,
newest first, limited to the cases the reader may see. Imported at start-up by
complaints.registrations."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from customers.profile import ProfilePanel, register_profile_panel

from .selectors import cases_visible_to

PANEL_CASES = 10


@register_profile_panel
def cases_panel(customer, user):
    if not user.has_perm("complaints.view_case"):
        return None
    cases = list(
        cases_visible_to(user).filter(customer=customer).order_by("-received_at")[: PANEL_CASES + 1]
    )
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
