"""The SMS gateway's webhooks: delivery reports and STOP replies, their proof (signature or
token), idempotence, malformed and unknown bodies, and what a STOP does to consents, to a
message not yet sent and to the confirmation."""

import datetime
import itertools
import json
import logging

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from core.consent import ConsentChannel, ConsentPurpose, ConsentSource
from customers.models import Customer
from messaging import services, webhooks
from messaging.backends import locmem
from messaging.backends.locmem import SmsBackend as LocmemBackend
from messaging.choices import MessageState, RecipientStatus, SkipReason
from messaging.models import (
    Consent,
    DirectSms,
    EarlyDeliveryReport,
    Message,
    MessagingSettings,
    Recipient,
    Segment,
    Suppression,
)
from messaging.selectors import may_message
from messaging.sending import list_recipients, send_batch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def any_hour_is_a_sending_hour(monkeypatch):
    """The delivery reports are what these tests check, whatever the hour the suite runs at:
    promotional messages go out at any hour here (tests/messaging/test_sending.py proves the
    quiet hours)."""
    monkeypatch.setattr(services, "may_send_now", lambda now, config: True)


SECRET = "webhook-secret-for-tests"
TOKEN = "token-for-tests-0123456789abcdef"
DELIVERY = reverse("hooks:sms_delivery")
INBOUND = reverse("hooks:sms_inbound")
MOBILE = "+966551112233"
codes = itertools.count(760001)


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.SMS_WEBHOOK_SECRET = SECRET
    settings.SMS_WEBHOOK_TOKEN = TOKEN
    cache.clear()
    locmem.outbox.clear()
    yield
    cache.clear()


def post(client, url, payload, *, signature="good", content_type="application/json"):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {}
    if signature == "good":
        headers["HTTP_X_SIGNATURE"] = webhooks.sign(body, SECRET)
    elif signature:
        headers["HTTP_X_SIGNATURE"] = signature
    return client.post(url, body, content_type=content_type, **headers)


def person(mobile=MOBILE, *, marketing=True, name="سارة", active=True):
    customer = Customer.objects.create(
        code=next(codes), name=name, kind="donor", mobile=mobile, is_active=active
    )
    if marketing is not None:
        Consent.objects.create(
            customer=customer,
            channel=ConsentChannel.SMS,
            purpose=ConsentPurpose.MARKETING,
            given=marketing,
            at=timezone.now(),
            source=ConsentSource.FORM,
        )
    return customer


@pytest.fixture
def staff(make_user):
    from association import roles

    return make_user(roles.CRM_STAFF)


def marketing_message(staff, customer=None):
    """A marketing SMS being sent, its recipients listed: to one customer, or to everyone."""
    segment = None
    if customer is None:
        segment = Segment.objects.create(name=f"s{next(codes)}", criteria={}, created_by=staff)
    message = Message.objects.create(
        channel=ConsentChannel.SMS,
        purpose=ConsentPurpose.MARKETING,
        segment=segment,
        customer=customer,
        body="مرحبا {الاسم}",
        state=MessageState.SENDING,
        created_by=staff,
    )
    list_recipients(message)
    return message


def sent_recipient(staff, gateway_id="gw-1", mobile=MOBILE):
    message = marketing_message(staff, person(mobile))
    recipient = message.recipients.get()
    Recipient.objects.filter(pk=recipient.pk).update(
        status=RecipientStatus.SENT, gateway_id=gateway_id, sent_at=timezone.now()
    )
    recipient.refresh_from_db()
    return recipient


# --- the proof ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [DELIVERY, INBOUND])
def test_a_good_signature_is_accepted(client, url):
    payload = {"messageId": "none", "status": "Sent"} if url == DELIVERY else {"from": "x"}
    if url == INBOUND:
        payload = {"from": "0500000001", "body": "مرحبا"}
    assert post(client, url, payload).status_code == 200


@pytest.mark.parametrize(
    "signature",
    [
        None,  # missing
        "sha256=" + "0" * 64,  # wrong
        webhooks.sign(b"another body", SECRET),  # of another body
        webhooks.sign(b"", SECRET).removeprefix("sha256="),  # without its prefix
        "sha1=abc",
    ],
)
@pytest.mark.parametrize("url", [DELIVERY, INBOUND])
def test_a_missing_or_bad_signature_is_refused_and_changes_nothing(
    client, staff, url, signature, caplog
):
    recipient = sent_recipient(staff)
    payload = (
        {"messageId": "gw-1", "status": "Delivered"}
        if url == DELIVERY
        else {"from": MOBILE, "body": "STOP"}
    )
    with caplog.at_level(logging.WARNING, logger="messaging.views_hooks"):
        response = post(client, url, payload, signature=signature)
    assert response.status_code == 403
    recipient.refresh_from_db()
    assert recipient.status == RecipientStatus.SENT
    assert may_message(recipient.customer, "sms", "marketing")
    assert "refused" in caplog.text


def test_nothing_configured_refuses_everything(client, settings):
    settings.SMS_WEBHOOK_SECRET = ""
    settings.SMS_WEBHOOK_TOKEN = ""
    body = json.dumps({"messageId": "x", "status": "Sent"}).encode()
    signed_with_empty = webhooks.sign(body, "")
    assert post(client, DELIVERY, body, signature=signed_with_empty).status_code == 403
    url = reverse("hooks:sms_delivery_token", args=["x"])
    assert post(client, url, body, signature=None).status_code == 403


def test_the_token_in_the_path_stands_for_the_signature(client, staff):
    recipient = sent_recipient(staff)
    good = reverse("hooks:sms_delivery_token", args=[TOKEN])
    bad = reverse("hooks:sms_delivery_token", args=[TOKEN[:-1] + "x"])
    payload = {"messageId": "gw-1", "status": "Delivered"}
    assert post(client, bad, payload, signature=None).status_code == 403
    assert post(client, good, payload, signature=None).status_code == 200
    recipient.refresh_from_db()
    assert recipient.status == RecipientStatus.DELIVERED
    inbound = reverse("hooks:sms_inbound_token", args=[TOKEN])
    assert (
        post(client, inbound, {"from": "0500000009", "body": "hi"}, signature=None).status_code
        == 200
    )


def test_no_token_set_refuses_the_token_urls(client, settings):
    settings.SMS_WEBHOOK_TOKEN = ""
    url = reverse("hooks:sms_delivery_token", args=["anything"])
    assert (
        post(client, url, {"messageId": "x", "status": "Sent"}, signature=None).status_code == 403
    )


@pytest.mark.parametrize("url", [DELIVERY, INBOUND])
def test_only_post_is_served(client, url):
    assert client.get(url).status_code == 405


def test_the_rate_is_limited_per_address(client, settings):
    settings.SMS_WEBHOOK_RATE = "2/m"
    payload = {"messageId": "none", "status": "Sent"}
    assert [post(client, DELIVERY, payload).status_code for _ in range(3)] == [200, 200, 429]


# --- delivery reports --------------------------------------------------------------------


def test_a_delivered_report_marks_the_recipient_delivered_once(client, staff):
    recipient = sent_recipient(staff)
    payload = {"messageId": "gw-1", "status": "Delivered", "timestamp": "2026-01-05T10:00:00Z"}
    response = post(client, DELIVERY, payload)
    assert response.status_code == 200
    assert response.json()["updated"] == 1
    recipient.refresh_from_db()
    assert recipient.status == RecipientStatus.DELIVERED
    assert recipient.delivered_at == datetime.datetime(2026, 1, 5, 10, tzinfo=datetime.UTC)
    # The same report again (the gateway retries), then a late "sent": nothing more.
    again = post(client, DELIVERY, {**payload, "timestamp": "2026-01-06T10:00:00Z"})
    late = post(client, DELIVERY, {"MessageID": "gw-1", "status": "Sent"})
    assert again.json() == {**again.json(), "updated": 0, "unchanged": 1}
    assert late.json()["updated"] == 0
    recipient.refresh_from_db()
    assert recipient.status == RecipientStatus.DELIVERED
    assert recipient.delivered_at == datetime.datetime(2026, 1, 5, 10, tzinfo=datetime.UTC)


@pytest.mark.parametrize("status", ["Undeliverable", "Rejected", "Failed"])
def test_an_invalid_number_fails_and_is_suppressed_once(client, staff, status):
    recipient = sent_recipient(staff)
    payload = {"messageId": "gw-1", "status": status, "errorCode": "ER-03"}
    first = post(client, DELIVERY, payload)
    assert first.json()["suppressed"] == 1
    recipient.refresh_from_db()
    assert recipient.status == RecipientStatus.FAILED
    assert recipient.reason == SkipReason.REFUSED
    assert recipient.error == f"ER-03 {status}"
    suppression = Suppression.objects.get()
    assert (suppression.address, suppression.reason) == (MOBILE, "invalid")
    second = post(client, DELIVERY, payload)
    assert second.status_code == 200
    assert second.json()["suppressed"] == 0 and second.json()["unchanged"] == 1
    assert Suppression.objects.count() == 1
    assert Suppression.history.count() == 1


def test_a_failure_for_another_reason_does_not_suppress(client, staff):
    recipient = sent_recipient(staff)
    post(client, DELIVERY, {"messageId": "gw-1", "status": "Undeliverable", "errorCode": "ER-06"})
    recipient.refresh_from_db()
    assert recipient.status == RecipientStatus.FAILED
    assert not Suppression.objects.exists()


def test_a_list_of_reports_and_unifonic_form_fields(client, staff):
    one = sent_recipient(staff, "gw-1", "+966551110001")
    two = sent_recipient(staff, "gw-2", "+966551110002")
    response = post(
        client,
        DELIVERY,
        [
            {"messageId": "gw-1", "status": "Delivered"},
            {"MessageID": "gw-2", "DLR": "Undeliverable"},
        ],
    )
    assert response.json()["updated"] == 2
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.status, two.status) == (RecipientStatus.DELIVERED, RecipientStatus.FAILED)
    three = sent_recipient(staff, "gw-3", "+966551110003")
    form = (
        b"MessageID=gw-3&DLR=Delivered&Recipient=966551110003&DLRTimestamp=2026-01-05+13%3A00%3A00"
    )
    answer = post(client, DELIVERY, form, content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 200
    three.refresh_from_db()
    assert three.status == RecipientStatus.DELIVERED
    # Unifonic's times name no zone: they are Riyadh's.
    assert three.delivered_at == datetime.datetime(2026, 1, 5, 10, tzinfo=datetime.UTC)


def test_an_unknown_reference_answers_200_and_is_logged(client, caplog):
    with caplog.at_level(logging.WARNING, logger="messaging.services"):
        response = post(client, DELIVERY, {"messageId": "nobody-knows", "status": "Delivered"})
    assert response.status_code == 200
    assert response.json()["unknown"] == 1
    assert "nobody-knows" in caplog.text


# --- a report before its SMS is recorded -----------------------------------------------------


def test_a_report_that_comes_before_its_batch_is_recorded_is_applied_then(client, staff):
    """A fast gateway calls the webhook while the batch is still writing its references: the
    report is kept, and the batch applies it as soon as it has recorded them."""
    message = marketing_message(staff, person())
    answer = post(client, DELIVERY, {"messageId": "locmem-1", "status": "Delivered"})
    assert answer.json()["unknown"] == 1
    assert EarlyDeliveryReport.objects.filter(gateway_id="locmem-1").exists()
    services.run_sending(message.pk, budget=5, backend=LocmemBackend())
    recipient = message.recipients.get()
    assert (recipient.gateway_id, recipient.status) == ("locmem-1", RecipientStatus.DELIVERED)
    assert not EarlyDeliveryReport.objects.exists()


def test_an_early_failure_of_a_direct_sms_is_applied_when_it_is_sent(client):
    sms = services.direct_sms_queue(to="0551112233", body="رقم متابعتك 1")
    post(
        client,
        DELIVERY,
        [
            {"messageId": "locmem-1", "status": "Sent"},
            {"messageId": "locmem-1", "status": "Undeliverable", "errorCode": "ER-05"},
        ],
    )
    assert EarlyDeliveryReport.objects.count() == 1  # "sent" says nothing to keep
    services.direct_sms_send(sms.pk, backend=LocmemBackend())
    sms.refresh_from_db()
    assert sms.status == RecipientStatus.FAILED and "ER-05" in sms.error
    assert not EarlyDeliveryReport.objects.exists()


def test_reports_whose_sms_never_comes_are_forgotten_after_two_days():
    services.delivery_reports_record(
        [services.DeliveryReport("not-ours", services.DeliveryOutcome.DELIVERED, timezone.now())]
    )
    now = timezone.now()
    assert services.early_reports_forget(now + datetime.timedelta(days=1)) == 0
    assert services.early_reports_forget(now + datetime.timedelta(days=2, minutes=1)) == 1


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'"a string"', b"[]", b"[1, 2]", b"\xff\xfe", b"null"],
)
@pytest.mark.parametrize("url", [DELIVERY, INBOUND])
def test_a_malformed_body_answers_400(client, url, body):
    assert post(client, url, body).status_code == 400


def test_reports_without_an_id_or_a_known_status_are_left_out(client, staff):
    recipient = sent_recipient(staff)
    response = post(
        client,
        DELIVERY,
        [{"status": "Delivered"}, {"messageId": "gw-1", "status": "Teleported"}, {"messageId": []}],
    )
    assert response.status_code == 200
    assert response.json()["ignored"] == 3
    recipient.refresh_from_db()
    assert recipient.status == RecipientStatus.SENT


def test_too_large_a_body_answers_413(client, settings):
    body = json.dumps([{"messageId": "x" * 2000, "status": "Sent"}] * 600).encode()
    assert post(client, DELIVERY, body).status_code == 413


def test_a_delivery_report_updates_an_sms_to_a_number(client):
    sms = DirectSms.objects.create(
        to=MOBILE, body="x", purpose="service", status=RecipientStatus.SENT, gateway_id="d-1"
    )
    post(client, DELIVERY, {"messageId": "d-1", "status": "Delivered"})
    sms.refresh_from_db()
    assert sms.status == RecipientStatus.DELIVERED and sms.delivered_at is not None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-01-05T10:00:00Z", datetime.datetime(2026, 1, 5, 10, tzinfo=datetime.UTC)),
        ("2026-01-05 13:00:00", datetime.datetime(2026, 1, 5, 10, tzinfo=datetime.UTC)),
        (1767607200, datetime.datetime(2026, 1, 5, 10, tzinfo=datetime.UTC)),
        ("1767607200", datetime.datetime(2026, 1, 5, 10, tzinfo=datetime.UTC)),
    ],
)
def test_report_times(value, expected):
    assert webhooks.read_time(value) == expected


@pytest.mark.parametrize(
    "value", [None, "", "yesterday", "2026-13-45 99:00:00", 10**20, "9999-01-01"]
)
def test_unreadable_or_future_times_are_now(value):
    assert abs(webhooks.read_time(value) - timezone.now()) < datetime.timedelta(seconds=5)


# --- STOP replies --------------------------------------------------------------------------


def stop(client, django_capture_on_commit_callbacks, text="STOP", sender="966551112233"):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, INBOUND, {"from": sender, "body": text})
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(
    "text",
    [
        "STOP",
        "stop",
        " Stop. ",
        "إلغاء",
        "الغاء",
        "إلــغاء",
        "ايقاف",
        "إيقاف",
        "أيقاف",
        "\u200fإيقاف\u200f",
        "«إلغاء»",
    ],
)
@pytest.mark.parametrize(
    "sender", ["966551112233", "+966551112233", "٠٥٥١١١٢٢٣٣", "00966551112233"]
)
def test_a_stop_reply_withdraws_marketing_by_sms_at_once(
    client, django_capture_on_commit_callbacks, text, sender
):
    customer = person()
    answer = stop(client, django_capture_on_commit_callbacks, text, sender)
    assert answer == {"stop": True, "withdrawn": 1, "confirmed": True}
    latest = Consent.objects.filter(customer=customer, purpose="marketing").first()
    assert (latest.channel, latest.given, latest.source) == ("sms", False, "stop_reply")
    assert text.strip() in latest.evidence
    assert not may_message(customer, "sms", "marketing")
    # One confirmation, a service notice, though marketing is now off.
    assert [sms.to for sms in locmem.outbox] == [MOBILE]
    assert locmem.outbox[0].sender == MessagingSettings.current().transactional_sender
    confirmation = Message.objects.get(customer=customer)
    assert confirmation.purpose == ConsentPurpose.SERVICE
    assert confirmation.state == MessageState.SENT
    assert confirmation.recipients.get().status == RecipientStatus.SENT


def test_every_customer_with_the_number_withdraws_and_one_confirmation_goes(
    client, django_capture_on_commit_callbacks
):
    first, second = person(name="الأب"), person(name="الابن")
    inactive = person(name="قديم", active=False)
    other = person("+966551119999")
    answer = stop(client, django_capture_on_commit_callbacks, "إلغاء")
    assert answer["withdrawn"] == 3
    for customer in (first, second, inactive):
        assert not may_message(customer, "sms", "marketing")
    assert may_message(other, "sms", "marketing")
    assert len(locmem.outbox) == 1
    assert Message.objects.get().customer == first  # the active one with the lowest code


def test_a_second_stop_withdraws_nothing_more_and_sends_no_second_confirmation(
    client, django_capture_on_commit_callbacks
):
    customer = person()
    stop(client, django_capture_on_commit_callbacks)
    again = stop(client, django_capture_on_commit_callbacks, "إيقاف")
    assert again == {"stop": True, "withdrawn": 0, "confirmed": False}
    assert Consent.objects.filter(customer=customer, source="stop_reply").count() == 1
    assert len(locmem.outbox) == 1


def test_a_stop_from_a_person_who_never_consented_still_records_the_withdrawal(
    client, django_capture_on_commit_callbacks
):
    customer = person(marketing=None)
    assert stop(client, django_capture_on_commit_callbacks)["withdrawn"] == 1
    assert Consent.objects.get(customer=customer).given is False


def test_a_stop_from_an_unknown_number_changes_nothing(
    client, django_capture_on_commit_callbacks, caplog
):
    customer = person()
    with caplog.at_level(logging.INFO, logger="messaging.views_hooks"):
        answer = stop(client, django_capture_on_commit_callbacks, sender="0551110000")
    assert answer == {"stop": True, "withdrawn": 0, "confirmed": False}
    assert may_message(customer, "sms", "marketing")
    assert locmem.outbox == []
    assert "no customer" in caplog.text


@pytest.mark.parametrize("text", ["شكرا", "STOP please", "", "ايقاف الرسائل", "1"])
def test_other_text_is_logged_and_changes_nothing(
    client, django_capture_on_commit_callbacks, caplog, text
):
    customer = person()
    with caplog.at_level(logging.INFO, logger="messaging.views_hooks"):
        answer = stop(client, django_capture_on_commit_callbacks, text)
    assert answer == {"stop": False, "withdrawn": 0, "confirmed": False}
    assert may_message(customer, "sms", "marketing")
    assert Consent.objects.count() == 1
    assert locmem.outbox == []
    assert "no stop word" in caplog.text


@pytest.mark.parametrize(
    "payload", [{"body": "STOP"}, [{"from": MOBILE, "body": "STOP"}] * 2, {"from": ""}]
)
def test_an_inbound_body_without_one_sender_answers_400(client, payload):
    assert post(client, INBOUND, payload).status_code == 400


def test_a_message_not_yet_sent_skips_the_person_who_replied_stop(
    client, django_capture_on_commit_callbacks, staff
):
    replied, stays = person(), person("+966551110077")
    message = marketing_message(staff)
    assert message.recipients.filter(status=RecipientStatus.PENDING).count() == 2
    stop(client, django_capture_on_commit_callbacks)
    locmem.outbox.clear()
    send_batch(message, LocmemBackend(), MessagingSettings.current())
    assert message.recipients.get(customer=replied).status == RecipientStatus.SKIPPED
    assert message.recipients.get(customer=replied).reason == SkipReason.WITHDRAWN
    assert message.recipients.get(customer=stays).status == RecipientStatus.SENT
    assert [sms.to for sms in locmem.outbox] == ["+966551110077"]


def test_stop_keywords():
    assert services.is_stop_reply("STOP")
    assert services.is_stop_reply("إِلْغَاء")  # with tashkeel
    assert not services.is_stop_reply("STOPP")
    assert not services.is_stop_reply(None)
