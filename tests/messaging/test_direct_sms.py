"""SMS to a number that is no customer's record (DirectSms), the service notice to one
customer (send_transactional_sms) and the suppression list's service."""

import datetime
import itertools
import zoneinfo

import pytest
from django.utils import timezone

from core.consent import ConsentChannel, ConsentPurpose, ConsentSource
from customers.models import Customer
from messaging import services
from messaging.backends import locmem
from messaging.backends.base import BaseSmsBackend, GatewayUnavailable, SmsResult
from messaging.choices import MessageState, RecipientStatus, SkipReason
from messaging.models import Consent, DirectSms, MessagingSettings, Suppression
from messaging.tasks import start_due_messages

pytestmark = pytest.mark.django_db

RIYADH = zoneinfo.ZoneInfo("Asia/Riyadh")
MOBILE = "+966551112233"
codes = itertools.count(770001)


@pytest.fixture(autouse=True)
def _clean_outbox():
    locmem.outbox.clear()


class DownBackend(BaseSmsBackend):
    def send(self, messages):
        raise GatewayUnavailable("Unifonic HTTP 503", retry_after=30)


class RefusingBackend(BaseSmsBackend):
    def send(self, messages):
        return [SmsResult(False, error="ER-02", detail="Invalid number", permanent=True)]


def queued(django_capture_on_commit_callbacks, to=MOBILE, body="رقم المتابعة ABCD2345"):
    with django_capture_on_commit_callbacks(execute=True):
        return services.direct_sms_queue(to=to, body=body, about="الطلب ABCD2345")


def test_an_sms_to_a_number_is_sent_once_on_commit(django_capture_on_commit_callbacks):
    sms = queued(django_capture_on_commit_callbacks, to="0551112233")
    sms.refresh_from_db()
    assert sms.to == MOBILE
    assert sms.status == RecipientStatus.SENT and sms.gateway_id and sms.parts == 1
    assert sms.sender == MessagingSettings.current().transactional_sender
    assert [(out.to, out.body) for out in locmem.outbox] == [(MOBILE, "رقم المتابعة ABCD2345")]
    # A second task, or the beat task, sends nothing more.
    assert services.direct_sms_send(sms.pk) is False
    assert start_due_messages() == 0
    assert len(locmem.outbox) == 1


def test_nothing_is_sent_before_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sms = services.direct_sms_queue(to=MOBILE, body="x")
    assert locmem.outbox == [] and callbacks
    assert DirectSms.objects.get(pk=sms.pk).status == RecipientStatus.PENDING


def test_quiet_hours_do_not_apply(django_capture_on_commit_callbacks, monkeypatch):
    night = datetime.datetime(2026, 12, 7, 2, 0, tzinfo=RIYADH)
    monkeypatch.setattr(timezone, "now", lambda: night)
    sms = queued(django_capture_on_commit_callbacks)
    assert DirectSms.objects.get(pk=sms.pk).status == RecipientStatus.SENT


@pytest.mark.parametrize(
    ("to", "reason"), [("12345", SkipReason.NO_ADDRESS), ("", SkipReason.NO_ADDRESS)]
)
def test_an_invalid_number_is_recorded_as_not_sent(django_capture_on_commit_callbacks, to, reason):
    sms = queued(django_capture_on_commit_callbacks, to=to)
    assert (sms.status, sms.reason) == (RecipientStatus.SKIPPED, reason)
    assert locmem.outbox == []


def test_a_suppressed_number_is_not_sent(django_capture_on_commit_callbacks):
    Suppression.objects.create(address=MOBILE, reason="complained", at=timezone.now())
    sms = queued(django_capture_on_commit_callbacks)
    assert (sms.status, sms.reason) == (RecipientStatus.SKIPPED, SkipReason.SUPPRESSED)
    assert locmem.outbox == []


def test_a_gateway_failure_waits_and_tries_again(django_capture_on_commit_callbacks, monkeypatch):
    with django_capture_on_commit_callbacks(execute=False):
        sms = services.direct_sms_queue(to=MOBILE, body="x")
    assert services.direct_sms_send(sms.pk, backend=DownBackend()) is False
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == (RecipientStatus.PENDING, 1)
    assert sms.error == "Unifonic HTTP 503"
    assert sms.retry_at > timezone.now()
    # Not before its time, then by the beat task.
    assert services.direct_sms_send(sms.pk) is False
    later = sms.retry_at + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert services.direct_sms_due() == [sms.pk]
    assert start_due_messages() == 1
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.error) == (RecipientStatus.SENT, 2, "")
    assert len(locmem.outbox) == 1


def test_after_its_last_attempt_it_is_not_delivered(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        sms = services.direct_sms_queue(to=MOBILE, body="x")
    DirectSms.objects.filter(pk=sms.pk).update(attempts=services.DIRECT_SMS_ATTEMPTS - 1)
    services.direct_sms_send(sms.pk, backend=DownBackend())
    sms.refresh_from_db()
    assert (sms.status, sms.reason) == (RecipientStatus.FAILED, SkipReason.REFUSED)


def test_a_refused_invalid_number_is_suppressed(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        sms = services.direct_sms_queue(to=MOBILE, body="x")
    services.direct_sms_send(sms.pk, backend=RefusingBackend())
    sms.refresh_from_db()
    assert (sms.status, sms.error) == (RecipientStatus.FAILED, "ER-02 Invalid number")
    assert Suppression.objects.get().address == MOBILE


def test_a_lost_task_is_queued_again_and_a_dead_claim_is_never_sent_again():
    lost = DirectSms.objects.create(to=MOBILE, body="x", purpose="service")
    dead = DirectSms.objects.create(
        to=MOBILE,
        body="y",
        purpose="service",
        status=RecipientStatus.CLAIMED,
        claimed_at=timezone.now() - datetime.timedelta(minutes=11),
    )
    fresh = DirectSms.objects.create(to=MOBILE, body="z", purpose="service")
    DirectSms.objects.filter(pk__in=[lost.pk, dead.pk]).update(
        created_at=timezone.now() - datetime.timedelta(minutes=3)
    )
    assert services.direct_sms_due() == [lost.pk]
    dead.refresh_from_db()
    assert dead.status == RecipientStatus.UNCERTAIN
    assert DirectSms.objects.get(pk=fresh.pk).status == RecipientStatus.PENDING


# --- send_transactional_sms --------------------------------------------------------------


def customer(mobile=MOBILE):
    return Customer.objects.create(code=next(codes), name="سارة", kind="donor", mobile=mobile)


def test_a_service_notice_to_one_customer_goes_at_once(
    django_capture_on_commit_callbacks, monkeypatch
):
    night = datetime.datetime(2026, 12, 7, 2, 0, tzinfo=RIYADH)
    monkeypatch.setattr(timezone, "now", lambda: night)
    person = customer()
    with django_capture_on_commit_callbacks(execute=True):
        message = services.send_transactional_sms(customer=person, text="مرحبا {الاسم}")
    message.refresh_from_db()
    assert (message.state, message.purpose) == (MessageState.SENT, ConsentPurpose.SERVICE)
    assert message.created_by is None
    assert [(out.to, out.body) for out in locmem.outbox] == [(MOBILE, "مرحبا سارة")]
    assert "/u/" not in locmem.outbox[0].body  # no unsubscribe link on a service notice


def test_a_service_notice_respects_a_withdrawal_of_service_notices(
    django_capture_on_commit_callbacks,
):
    person = customer()
    Consent.objects.create(
        customer=person,
        channel=ConsentChannel.SMS,
        purpose=ConsentPurpose.SERVICE,
        given=False,
        at=timezone.now(),
        source=ConsentSource.PHONE,
    )
    with django_capture_on_commit_callbacks(execute=True):
        message = services.send_transactional_sms(customer=person, text="x")
    assert message.recipients.get().status == RecipientStatus.SKIPPED
    assert locmem.outbox == []


# --- suppress_address ----------------------------------------------------------------------


def test_suppress_address_normalises_and_keeps_the_first_reason():
    assert services.suppress_address(address="0551112233", reason="invalid", note="ER-03")
    assert not services.suppress_address(address="+966 55 111 2233", reason="bounced")
    assert services.suppress_address(address="Sara@Example.org", reason="bounced")
    assert not services.suppress_address(address="not a number", reason="invalid")
    assert sorted(Suppression.objects.values_list("address", "reason")) == [
        ("+966551112233", "invalid"),
        ("sara@example.org", "bounced"),
    ]
