"""What the finance app adds to the navigation bar, the customer profile (the donations
panel) and the programmes portfolio (the donations received and who gave them)."""

from django.utils.translation import gettext_lazy

from core import navigation
from programmes import funding

from . import (
    profile_panels,  # noqa: F401  (the donations panel registers itself)
    selectors,
)
from .models import Donation

# The link to the finance system (6.1.7) sits with the customer data. The import's page is
# still the opportunities app's (opportunities:donation_import), listed here so that the
# three donation pages keep their order.
for item in (
    navigation.NavItem(
        gettext_lazy("Donations received"),
        "finance:donation_list",
        "cash-coin",
        "finance.view_donation",
    ),
    navigation.NavItem(
        gettext_lazy("Import donations from the finance system"),
        "opportunities:donation_import",
        "upload",
        "finance.add_donation",
    ),
    navigation.NavItem(
        gettext_lazy("Donations to match"),
        "finance:donations_unmatched",
        "link-45deg",
        "finance.change_donation",
    ),
):
    navigation.register_nav_item("customers", item)

# Received: every donation recorded for the programme, matched to a donor or not.
funding.register_funding_source(
    funding.RECEIVED, funding.FundingSource(rows=Donation.objects.all, amount_field="amount")
)
funding.register_funders(selectors.programme_funders)
