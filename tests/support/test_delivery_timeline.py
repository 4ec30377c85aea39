"""The support delivered is on the beneficiary's customer 360 timeline (what, how much, the
distribution day, who delivered), and a delivery renews the kept profile."""

import pytest
from django.urls import reverse

from support import delivery
from tests.support.test_service_fixtures import *  # noqa: F403
from tests.support.test_service_fixtures import NATIONAL_IDS, accepted

pytestmark = pytest.mark.django_db


def test_a_delivery_shows_on_the_beneficiary_s_timeline(
    client, b_people, b_places, b_types, b_customers
):  # noqa: F405
    beneficiary = b_customers["beneficiary"]
    support_request = accepted(
        b_people, b_places, b_types["basket"], national_id=NATIONAL_IDS[2], customer=beneficiary
    )
    delivery.request_link_customer(support_request=support_request, actor=b_people["crm"])
    client.force_login(b_people["crm"])
    url = reverse("customers:detail", args=[beneficiary.pk])
    before = client.get(url, {"kind": "support_requests"}).content.decode()
    assert "timeline" in before
    delivery.delivery_record(support_request=support_request, actor=b_people["crm"], quantity=2)
    page = client.get(url, {"kind": "support_requests"}).content.decode()
    assert "الدعم المسلَّم: سلة غذائية · 2" in page.replace("\u200f", "")
    assert "None" not in page
    assert page.count('data-kind="support_requests"') > before.count('data-kind="support_requests"')
