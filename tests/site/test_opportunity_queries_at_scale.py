"""Issue 13: the opportunity and finance pages that tests/site/test_list_queries_at_scale.py
does not cover run as many queries on 3N rows as on N: an opportunity with more potential
donors, the list searched by title, a new opportunity and its suggested donors, the
problems register and a new problem, a donor's new contact, the donations waiting to be
matched and the donations list filtered."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Customer, CustomerKind
from finance.models import Donation
from opportunities.models import Opportunity, PotentialDonor
from programmes.models import Programme
from tests.site.test_list_queries_at_scale import N, _grow

pytestmark = pytest.mark.django_db


def _pages(opportunity, donor):
    programme = Programme.objects.order_by("pk").first()
    return {
        "detail": ("crm_staff", reverse("opportunities:detail", args=[opportunity.pk])),
        "search": ("crm_staff", reverse("opportunities:list") + "?q=كفالة"),
        "board_search": ("crm_staff", reverse("opportunities:board") + "?q=كفالة"),
        "create": ("crm_staff", reverse("opportunities:create") + f"?programme={programme.pk}"),
        "problems": ("crm_staff", reverse("opportunities:problem_list")),
        "problem_new": ("crm_staff", reverse("opportunities:problem_create")),
        "contact_new": ("crm_staff", reverse("opportunities:donor_contact_new", args=[donor.pk])),
        "unmatched": ("crm_manager", reverse("finance:donations_unmatched")),
        "donations_filtered": (
            "crm_staff",
            reverse("finance:donation_list") + f"?programme={programme.pk}&status=matched",
        ),
    }


def _measure(clients, opportunity, donor):
    counts = {}
    for name, (username, url) in _pages(opportunity, donor).items():
        client = clients[username]
        client.get(url)  # the session, the permissions, the cached rows
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, name
        counts[name] = len(queries)
    return counts


def _more_potential_donors(opportunity, count):
    """The opportunity's donors grow with the data (its page lists every one of them)."""
    staff = get_user_model().objects.get(username="crm_staff")
    donors = (
        Customer.objects.filter(kind=CustomerKind.DONOR, is_active=True)
        .exclude(potentialdonor__opportunity=opportunity)
        .order_by("pk")[:count]
    )
    PotentialDonor.objects.bulk_create(
        PotentialDonor(opportunity=opportunity, donor=donor, added_by=staff) for donor in donors
    )


def test_the_opportunity_and_finance_pages_run_as_many_queries_at_3n_rows_as_at_n():
    call_command("load_demo_data", stdout=StringIO())
    clients = {}
    for username in ("crm_staff", "crm_manager"):
        clients[username] = Client()
        clients[username].force_login(get_user_model().objects.get(username=username))
    _grow(N, seed=1)
    opportunity = Opportunity.objects.order_by("pk").first()
    donor = Customer.objects.filter(kind=CustomerKind.DONOR).order_by("pk").first()
    _more_potential_donors(opportunity, 3)
    at_n = _measure(clients, opportunity, donor)
    donors, donations = PotentialDonor.objects.count(), Donation.objects.count()
    _grow(2 * N, seed=2)
    _more_potential_donors(opportunity, 6)
    assert PotentialDonor.objects.count() > donors and Donation.objects.count() > donations
    assert _measure(clients, opportunity, donor) == at_n
