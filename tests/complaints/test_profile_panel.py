"""A customer's profile lists their cases, only those the reader may see."""

import pytest
from django.urls import reverse

from .conftest import register

pytestmark = pytest.mark.django_db


def profile(customer):
    return reverse("customers:detail", args=[customer.pk])


def test_handlers_see_the_customers_cases_on_the_profile(client, people, customers):
    case = register(people["centres"], customers["beneficiary"], subject="تأخر السلة")
    for who in ("centres", "quality"):
        client.force_login(people[who])
        page = client.get(profile(customers["beneficiary"]))
        assert page.status_code == 200
        content = page.content.decode()
        assert 'data-testid="cases-panel"' in content, who
        assert case.tracking_number in content and "تأخر السلة" in content


def test_the_panel_shows_nothing_the_reader_may_not_see(client, people, customers):
    register(people["centres"], customers["beneficiary"], subject="تأخر السلة")
    # CRM staff read the customer but not the centres queue; the steward reads no case.
    for who in ("crm", "steward"):
        client.force_login(people[who])
        page = client.get(profile(customers["beneficiary"]))
        assert page.status_code == 200
        assert 'data-testid="cases-panel"' not in page.content.decode(), who
