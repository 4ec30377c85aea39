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


def _counts(queries):
    return [query["sql"] for query in queries if query["sql"].startswith("SELECT COUNT(*)")]


def test_a_search_is_counted_once_until_a_donation_or_a_donor_changes(client, superuser):
    """The page checks each donation's donor on the join (newest first, stopping at the
    page's last row); the count, which reads every match, is kept (search_topics)."""
    donor = Customer.objects.create(code=100321, name="محمد الأمل", kind="donor")
    other = Customer.objects.create(code=100322, name="سالم", kind="donor")
    given = [_donation(f"R-{number}", donor) for number in range(3)]
    _donation("R-9", other)
    client.force_login(superuser)
    url = reverse("admin:finance_donation_changelist")
    with CaptureQueriesContext(connection) as first:
        response = client.get(url, {"q": "محمّد"})
    assert response.context["cl"].result_count == 3
    assert set(response.context["cl"].result_list) == set(given)
    assert len(_counts(first.captured_queries)) == 1
    with CaptureQueriesContext(connection) as again:
        response = client.get(url, {"q": "محمّد"})
    assert response.context["cl"].result_count == 3
    assert _counts(again.captured_queries) == []
    page = next(query["sql"] for query in again.captured_queries if "ORDER BY" in query["sql"])
    assert "JOIN" in page and " IN (SELECT" not in page

    # A new donation and a renamed donor are counted at once.
    given.append(_donation("R-10", donor))
    assert client.get(url, {"q": "محمّد"}).context["cl"].result_count == 4
    other.name = "سالم محمد"
    other.save()
    assert client.get(url, {"q": "محمّد"}).context["cl"].result_count == 5
