"""The e-mail provider's tracking webhook (django-anymail, /hooks/email/<provider>/tracking/):
a permanent bounce, a refusal or a complaint suppresses the address and marks the message's
recipient not delivered; other events change nothing; the call is proven by HTTP basic auth
with ANYMAIL's WEBHOOK_SECRET, and refused without one."""

import base64
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from core.consent import ConsentChannel, ConsentPurpose
from customers.models import Customer
from messaging.choices import MessageState, RecipientStatus, SkipReason
from messaging.models import Message, Recipient, Suppression

pytestmark = pytest.mark.django_db

SECRET = "crm:a-long-random-password"
URL = reverse("email_hooks:postmark_tracking_webhook")
ADDRESS = "reader@example.org"


@pytest.fixture(autouse=True)
def _anymail(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}


def auth(secret=SECRET):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def postmark(record_type, kind="", message_id="pm-1", address=ADDRESS, **extra):
    event = {
        "RecordType": record_type,
        "ID": 42,
        "Type": kind,
        "MessageID": message_id,
        "Email": address,
        "Recipient": address,
        "BouncedAt": "2026-12-07T08:00:00Z",
        "DeliveredAt": "2026-12-07T08:00:00Z",
        "ReceivedAt": "2026-12-07T08:00:00Z",
        "Description": "The server was unable to deliver your message",
        "Details": "smtp;550 5.1.1 The email account does not exist",
        **extra,
    }
    return {key: value for key, value in event.items() if value != ""}


def call(client, event, **headers):
    return client.post(URL, json.dumps(event), content_type="application/json", **headers)


@pytest.fixture
def sent_email(make_user):
    from association import roles

    customer = Customer.objects.create(code=880001, name="قارئ", kind="donor", email=ADDRESS)
    message = Message.objects.create(
        channel=ConsentChannel.EMAIL,
        purpose=ConsentPurpose.DONOR_REPORTS,
        customer=customer,
        subject="تقرير",
        body="نص",
        state=MessageState.SENT,
        created_by=make_user(roles.CRM_STAFF),
    )
    return Recipient.objects.create(
        message=message,
        customer=customer,
        address=ADDRESS,
        status=RecipientStatus.SENT,
        gateway_id="pm-1",
        sent_at=timezone.now(),
    )


def test_a_hard_bounce_suppresses_the_address_and_fails_the_recipient(client, sent_email):
    response = call(client, postmark("Bounce", "HardBounce"), **auth())
    assert response.status_code == 200
    suppression = Suppression.objects.get(address=ADDRESS)
    assert suppression.reason == "bounced" and "postmark" in suppression.note.lower()
    sent_email.refresh_from_db()
    assert (sent_email.status, sent_email.reason) == (RecipientStatus.FAILED, SkipReason.REFUSED)
    # The same report again: nothing more.
    assert call(client, postmark("Bounce", "HardBounce"), **auth()).status_code == 200
    assert Suppression.objects.count() == 1


@pytest.mark.parametrize(
    ("record_type", "kind", "reason"),
    [("SpamComplaint", "SpamComplaint", "complained"), ("Bounce", "BadEmailAddress", "invalid")],
)
def test_a_complaint_or_a_refusal_suppresses_the_address(client, record_type, kind, reason):
    assert call(client, postmark(record_type, kind), **auth()).status_code == 200
    assert Suppression.objects.get(address=ADDRESS).reason == reason


@pytest.mark.parametrize(
    ("record_type", "kind"),
    [("Delivery", ""), ("Open", ""), ("Bounce", "Transient"), ("Bounce", "DnsError")],
)
def test_other_events_change_nothing(client, sent_email, record_type, kind):
    assert call(client, postmark(record_type, kind), **auth()).status_code == 200
    assert not Suppression.objects.exists()
    sent_email.refresh_from_db()
    assert sent_email.status == RecipientStatus.SENT


def test_a_call_without_the_secret_is_refused_and_changes_nothing(client, settings):
    assert call(client, postmark("Bounce", "HardBounce")).status_code == 400
    assert call(client, postmark("Bounce", "HardBounce"), **auth("crm:wrong")).status_code == 400
    settings.ANYMAIL = {}  # no secret configured: every call refused, whatever it carries
    assert call(client, postmark("Bounce", "HardBounce"), **auth()).status_code == 403
    assert not Suppression.objects.exists()


def test_only_the_tracking_webhooks_are_mounted(client):
    assert client.get(URL).status_code in (403, 405)  # POST only
    inbound = client.post(
        "/hooks/email/postmark/inbound/", "{}", content_type="application/json", **auth()
    )
    assert inbound.status_code == 404
