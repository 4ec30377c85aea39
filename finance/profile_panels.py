"""The donations on a customer's profile: the panel of what the finance system recorded
from this donor, per programme and year (manual 6.1.7), and each donation in the customer
360's timeline. Imported at start-up by finance.registrations."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import CustomerKind
from customers.profile import ProfilePanel, register_profile_panel
from customers.timeline import TimelineEntry, TimelineRows, register_timeline_source

from .models import Donation
from .selectors import donations_of_donor, donor_totals_by_programme_and_year


@register_profile_panel
def donations_panel(customer, user):
    """Shown to those who read donations, for donors and anyone who has given."""
    if not user.has_perm("finance.view_donation"):
        return None
    rows = donor_totals_by_programme_and_year(customer)
    if not rows and customer.kind != CustomerKind.DONOR:
        return None
    return ProfilePanel(
        title=_("Donations received"),
        template="finance/panel_donations.html",
        context={
            "years": _by_year(rows),
            "total": sum((row["total"] for row in rows), 0),
            "count": sum(row["count"] for row in rows),
            "list_url": (
                f"{reverse('finance:donation_list')}?{urlencode({'donor': customer.code})}"
                if rows
                else ""
            ),
        },
    )


def _by_year(rows):
    """[{"year", "total", "count", "rows"}], newest year first (rows come in that order)."""
    years = []
    for row in rows:
        if not years or years[-1]["year"] != row["year"]:
            years.append({"year": row["year"], "total": 0, "count": 0, "rows": []})
        years[-1]["rows"].append(row)
        years[-1]["total"] += row["total"]
        years[-1]["count"] += row["count"]
    return years


DONATIONS = "donations"


@register_timeline_source(
    DONATIONS, gettext_lazy("Donations received"), "cash-coin", permission="finance.view_donation"
)
def donation_entries(customer, user, limit):
    """Each donation the finance system recorded from this donor, on the day received."""
    list_url = f"{reverse('finance:donation_list')}?{urlencode({'donor': customer.code})}"

    def entry(donation):
        return TimelineEntry(
            when=donation.received_on,
            kind=DONATIONS,
            icon="cash-coin",
            title=_("Donation of %(amount)s SAR received") % {"amount": f"{donation.amount:,.2f}"},
            detail=(
                _("%(programme)s · receipt %(receipt)s")
                % {"programme": donation.programme.name, "receipt": donation.receipt_number}
                if donation.programme
                else _("Programme not matched yet · receipt %(receipt)s")
                % {"receipt": donation.receipt_number}
            ),
            url=list_url,
        )

    return [
        TimelineRows(
            lambda: donations_of_donor(customer),
            model=Donation,
            at="received_on",
            entry=entry,
            fields=("received_on", "amount", "receipt_number", "programme__name"),
        )
    ]
