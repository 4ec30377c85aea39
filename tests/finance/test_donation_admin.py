"""Donations in the admin: read-only, counted up to the cap, searched by receipt number,
donor code or the donor as the customer search finds them (core.admin.LargeTableAdminMixin)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Customer
from finance.models import Donation

pytestmark = pytest.mark.django_db


def _donation(receipt, donor=None, **fields):
    return Donation.objects.create(
        receipt_number=receipt,
        received_on=datetime.date(2026, 5, 1),
        amount=Decimal("500"),
        donor=donor,
        **fields,
    )


def test_the_donation_admin_is_read_only_and_searches_like_the_site(client, superuser):
    donor = Customer.objects.create(code=100321, name="مؤسسة الأمل الخيرية", kind="donor")
    given = _donation("R-1001", donor)
    waiting = _donation("R-1002", donor_code_as_imported="777")
    _donation("R-1003")
    client.force_login(superuser)
    url = reverse("admin:finance_donation_changelist")
    for typed, expected in (
        ("R-1001", [given]),
        ("777", [waiting]),
        ("١٠٠٣٢١", [given]),  # the donor's code in Arabic-Indic digits
        ("مؤسسه الامل", [given]),
    ):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"q": typed})
        changelist = response.context["cl"]
        assert list(changelist.result_list) == expected, typed
        assert changelist.full_result_count is None
        assert not any("UPPER(" in query["sql"].upper() for query in captured.captured_queries)
    change = reverse("admin:finance_donation_change", args=[given.pk])
    assert 'name="_save"' not in client.get(change).content.decode()
    assert client.get(reverse("admin:finance_donation_add")).status_code == 403
