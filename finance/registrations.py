"""What the finance app adds to the navigation bar, the customer profile (the donations
panel) and the programmes portfolio (the donations received and who gave them)."""

from django.utils.translation import gettext_lazy

from core import dashboard, navigation
from customers.models import Customer
from programmes import funding

from . import (
    profile_panels,  # noqa: F401  (the donations panel registers itself)
    selectors,
)
from .models import Donation

# Donations received (6.1.7) sit with marketing, beside the opportunities and the pledges
# they fulfil, not under the customer data. The import's page is still the opportunities
# app's (opportunities:donation_import), listed here so that the three donation pages keep
# their order, last in the menu as a group of their own.
DONATIONS = 10
for item in (
    navigation.NavItem(
        gettext_lazy("Donations received"),
        "finance:donation_list",
        "cash-coin",
        "finance.view_donation",
        weight=DONATIONS,
    ),
    navigation.NavItem(
        gettext_lazy("Import donations from the finance system"),
        "opportunities:donation_import",
        "upload",
        "finance.add_donation",
        weight=DONATIONS,
    ),
    navigation.NavItem(
        gettext_lazy("Donations to match"),
        "finance:donations_unmatched",
        "link-45deg",
        "finance.change_donation",
        weight=DONATIONS,
    ),
):
    navigation.register_nav_item("marketing", item)

# Received: every donation recorded for the programme, matched to a donor or not.
funding.register_funding_source(
    funding.RECEIVED, funding.FundingSource(rows=Donation.objects.all, amount_field="amount")
)
funding.register_funders(selectors.programme_funders, Donation, Customer)


@dashboard.register_headline
def donations_to_match_headline(user):
    """Donations from the finance system with no donor or programme yet (6.1.7)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    if not user.has_perm("finance.change_donation"):
        return None
    return dashboard.Headline(
        key="donations_to_match",
        order=50,
        label=_("Donations to match"),
        value=dashboard.figure(selectors.unmatched_count()),
        detail=_("Received without a known donor or programme"),
        url=reverse("finance:donations_unmatched"),
    )
