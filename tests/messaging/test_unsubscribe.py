"""The one-click unsubscribe link of a message (no login): a signed token naming one
customer, channel and purpose; GET asks, POST withdraws at once; a second click records
nothing more; a forged or altered token gets a clear page, never an error."""

import base64

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from messaging import selectors
from messaging.models import Consent
from messaging.services import consents_record
from messaging.tokens import SALT, read_unsubscribe_token, unsubscribe_token, unsubscribe_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def consenting(customer):
    consents_record(
        customer_id=customer.pk,
        changes={"sms.marketing": True, "sms.surveys": True},
        at=timezone.now(),
        source="form",
    )
    return customer


def test_the_link_asks_then_withdraws_at_once(client, consenting):
    url = unsubscribe_url(consenting, "sms", "marketing")
    assert url.startswith("/u/")
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "هل تريد إيقاف هذه الرسائل؟" in content
    assert "التسويق والحملات" in content and "رسائل الجوال القصيرة" in content
    assert not Consent.objects.filter(given=False).exists()  # GET changes nothing

    done = client.post(url)
    assert done.status_code == 200
    assert 'data-testid="unsubscribe-done"' in done.content.decode()
    withdrawn = Consent.objects.get(given=False)
    assert (withdrawn.channel, withdrawn.purpose) == ("sms", "marketing")
    assert withdrawn.source == "unsubscribe_link"
    assert withdrawn.recorded_by is None
    # It takes effect at once, for that purpose only.
    assert not selectors.may_message(consenting, "sms", "marketing")
    assert selectors.may_message(consenting, "sms", "surveys")
    assert selectors.may_message(consenting, "sms", "service")


def test_a_second_click_records_nothing_more(client, consenting):
    url = unsubscribe_url(consenting, "sms", "marketing")
    client.post(url)
    again = client.post(url)
    assert again.status_code == 200
    assert Consent.objects.filter(given=False).count() == 1


def test_a_service_notice_can_be_stopped_even_without_a_record(client, customer):
    client.post(unsubscribe_url(customer, "email", "service"))
    assert not selectors.may_message(customer, "email", "service")


def _mac_with(payload, salt=SALT, secret=None):
    digest = salted_hmac(salt, payload, secret=secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()[:16]


def test_a_token_is_short_enough_for_an_sms():
    assert len(unsubscribe_token(12345678, "email", "donor_reports")) <= 30


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "1-00." + _mac_with("1-00", salt="another.use"),  # another salt
        "1-00." + _mac_with("1-00", secret="not-our-key"),
        "1-90." + _mac_with("1-90"),  # made with our key, but no such channel
        "x-00." + _mac_with("x-00"),  # no customer number
        "1-00",  # no signature
    ],
)
def test_a_forged_token_gets_a_clear_page(client, customer, token):
    response = client.post(reverse("unsubscribe:page", args=[token]))
    assert response.status_code == 404
    assert "هذا الرابط غير صالح" in response.content.decode()
    assert not Consent.objects.exists()


def test_a_token_cannot_be_turned_to_another_customer(client, consenting, other_customer):
    token = unsubscribe_token(consenting.pk, "sms", "marketing")
    _payload, signature = token.split(".")
    tampered = f"{other_customer.pk}-00.{signature}"
    assert read_unsubscribe_token(tampered) is None
    response = client.post(reverse("unsubscribe:page", args=[tampered]))
    assert response.status_code == 404
    assert not Consent.objects.filter(customer=other_customer).exists()
    # The genuine token withdraws its own customer's consent only.
    client.post(reverse("unsubscribe:page", args=[token]))
    assert Consent.objects.filter(given=False).get().customer == consenting


def test_a_token_of_a_customer_who_no_longer_exists_is_not_valid(client, db):
    response = client.get(
        reverse("unsubscribe:page", args=[unsubscribe_token(987654, "sms", "marketing")])
    )
    assert response.status_code == 404


def test_the_page_is_rate_limited(client, consenting):
    url = unsubscribe_url(consenting, "sms", "marketing")
    statuses = [client.get(url).status_code for _ in range(25)]
    assert statuses[0] == 200
    assert statuses[-1] == 429
