"""The demo data fill the marketing pillar (issue 12, item 13): an opportunity at every
stage with its donors and contacts, signed pledges on file, donations matched and
unmatched; loading the demo twice changes nothing."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from finance.models import Donation
from finance.selectors import unmatched_condition
from opportunities.models import DonorContact, Opportunity, OpportunityState, PotentialDonor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def _snapshot():
    return {
        "opportunities": sorted(Opportunity.objects.values_list("title", "state")),
        "donations": sorted(Donation.objects.values_list("receipt_number", "donor_id")),
        "contacts": DonorContact.objects.count(),
        "donors": PotentialDonor.objects.count(),
    }


def test_the_demo_fills_every_stage_and_both_kinds_of_donation_once():
    call_command("load_demo_data", stdout=StringIO())
    for state in OpportunityState.values:
        assert Opportunity.objects.filter(state=state).exists(), state
    assert not Opportunity.objects.filter(potential_donors__isnull=True).exists()
    assert DonorContact.objects.filter(is_planned=False).exists()
    pledged = Opportunity.objects.filter(
        state__in=[OpportunityState.CLOSING, OpportunityState.SUCCESSFUL]
    )
    assert pledged.count() >= 2
    for opportunity in pledged:
        assert opportunity.pledge_file and opportunity.pledge_file.storage.exists(
            opportunity.pledge_file.name
        )
        assert opportunity.pledge_file.read(5) == b"%PDF-"
    assert Donation.objects.filter(unmatched_condition()).count() >= 2
    assert Donation.objects.exclude(unmatched_condition()).count() >= 2
    assert Donation.objects.filter(matched_by__isnull=False).exists()  # matched by hand
    first = _snapshot()

    out = StringIO()
    call_command("load_demo_data", stdout=out)
    assert "demo opportunities" not in out.getvalue()
    assert _snapshot() == first


def test_the_marketing_pages_list_the_demo(client):
    call_command("load_demo_data", stdout=StringIO())
    client.force_login(get_user_model().objects.get(username="crm_manager"))
    pages = {
        "opportunities:board": "رعاية مبادرة نادي الحي للشباب",
        "opportunities:list": "شراكة صحية للقوافل الطبية في أحياء الطائف",
        "finance:donation_list": "DEMO-0001",
        "finance:donations_unmatched": "DEMO-0005",
        "programmes:list": "EDU-101",
    }
    for name, text in pages.items():
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert text in response.content.decode(), name
