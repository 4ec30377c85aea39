"""What the sending does differently for speed (bench_messaging) gives the same answers: the
audience's PostgreSQL query and the annotations it replaces, the unsubscribe links made
once per batch, each recipient's own gateway id and parts recorded, and a batch read on
from the last one claimed still finds the rows a gateway failure left pending."""

import datetime
import itertools

import pytest
from django.db import connection
from django.utils import timezone

from core.consent import ConsentChannel, ConsentPurpose, ConsentSource
from customers.models import Customer
from messaging import services
from messaging.backends import locmem
from messaging.backends.base import GatewayUnavailable
from messaging.backends.locmem import SmsBackend as LocmemBackend
from messaging.choices import MessageState, RecipientStatus
from messaging.models import Consent, Message, MessagingSettings, Segment, Suppression
from messaging.segments import _audience_orm, audience, segment_customers
from messaging.sending import claim_batch, list_recipients
from messaging.tokens import unsubscribe_url, unsubscribe_url_maker

pytestmark = pytest.mark.django_db
codes = itertools.count(760001)


def person(mobile="", email="", consents=(), kind="beneficiary"):
    customer = Customer.objects.create(
        code=next(codes), name=f"عميل {mobile}", kind=kind, mobile=mobile, email=email
    )
    for purpose, given in consents:
        Consent.objects.create(
            customer=customer,
            channel=ConsentChannel.SMS,
            purpose=purpose,
            given=given,
            at=timezone.now(),
            source=ConsentSource.FORM,
        )
    return customer


@pytest.fixture
def crowd():
    marketing, service = ConsentPurpose.MARKETING, ConsentPurpose.SERVICE
    Suppression.objects.create(address="+966500000905", reason="complained", at=timezone.now())
    return [
        person("+966500000901", consents=[(marketing, True)]),
        person("+966500000902", consents=[(marketing, True)]),
        person("+966500000902", consents=[(marketing, True)]),  # the same number
        person("+966500000903", consents=[(marketing, True), (marketing, False)]),  # withdrew
        person("+966500000904", consents=[(marketing, False), (marketing, True)]),  # gave again
        person("+966500000905", consents=[(marketing, True)]),  # suppressed
        person("+966500000906", consents=[(service, False)]),  # withdrew service notices
        person("+966500000907"),  # never asked
        person(email="x@example.org", consents=[(marketing, True)]),  # no mobile
        person("+966500000908", kind="donor", consents=[(marketing, True), (service, True)]),
    ]


@pytest.mark.parametrize("purpose", [ConsentPurpose.MARKETING, ConsentPurpose.SERVICE])
@pytest.mark.parametrize("criteria", [{}, {"kind": ["donor"]}])
def test_the_audience_query_counts_as_the_annotations_do(crowd, purpose, criteria):
    customers = segment_customers(criteria)
    assert audience(customers, ConsentChannel.SMS, purpose) == _audience_orm(
        customers, ConsentChannel.SMS, purpose
    )


def test_the_audience_of_the_crowd(crowd):
    counted = audience(segment_customers({}), ConsentChannel.SMS, ConsentPurpose.MARKETING)
    # 901, 902 (once for two people), 904 (gave again), 908.
    assert counted.recipients == 4
    assert sum(counted.excluded.values()) == len(crowd) - 4


def test_unsubscribe_links_made_once_per_batch_are_the_same(crowd):
    make = unsubscribe_url_maker(ConsentChannel.SMS, ConsentPurpose.MARKETING)
    for customer in crowd[:3]:
        assert make(customer) == unsubscribe_url(
            customer, ConsentChannel.SMS, ConsentPurpose.MARKETING
        )


def _message(make_user):
    MessagingSettings.objects.update_or_create(
        pk=1,
        defaults={
            "quiet_start": datetime.time.min,
            "quiet_end": datetime.time.max,
            "rate_per_second": 0,
        },
    )
    author = make_user()
    message = services.message_create(
        channel=ConsentChannel.SMS,
        purpose=ConsentPurpose.MARKETING,
        body="مرحبا {الاسم}، رمزك {code}",
        segment=Segment.objects.create(name="crowd", criteria={}, created_by=author),
        actor=author,
    )
    list_recipients(message)
    Message.objects.filter(pk=message.pk).update(state=MessageState.SENDING)
    return message


def test_each_recipient_keeps_its_own_gateway_id_and_parts(crowd, make_user):
    locmem.outbox.clear()

    class Parts(LocmemBackend):
        batch_size = 2

    message = _message(make_user)
    outcome = services.run_sending(message.pk, backend=Parts())
    assert outcome.finished and outcome.sent == 4
    sent = {sms.reference: sms for sms in locmem.outbox}
    for recipient in message.recipients.filter(status=RecipientStatus.SENT):
        sms = sent[f"{message.pk}-{recipient.pk}"]
        assert recipient.gateway_id == f"locmem-{list(locmem.outbox).index(sms) + 1}"
        assert recipient.parts >= 1 and recipient.sent_at is not None
        assert sms.body.startswith(
            f"مرحبا {recipient.customer.name}، رمزك {recipient.customer.code}"
        )


def test_rows_pending_again_below_the_last_claim_are_still_sent(crowd, make_user):
    locmem.outbox.clear()

    class FailsOnce(LocmemBackend):
        batch_size = 2
        failed = False

        def send(self, messages):
            if not FailsOnce.failed:
                FailsOnce.failed = True
                raise GatewayUnavailable("down", retry_after=0)
            return super().send(messages)

    message = _message(make_user)
    first = services.run_sending(message.pk, backend=FailsOnce())
    assert not first.finished and locmem.outbox == []
    # The first batch is pending again, below the mark of the last claim.
    Message.objects.filter(pk=message.pk).update(resume_at=None)
    assert services.run_sending(message.pk, backend=FailsOnce()).finished
    references = [sms.reference for sms in locmem.outbox]
    assert len(references) == len(set(references)) == 4
    assert not message.recipients.filter(status=RecipientStatus.PENDING).exists()


def test_two_claims_in_a_row_take_different_rows(crowd, make_user):
    message = _message(make_user)
    first, second = claim_batch(message, 2), claim_batch(message, 2)
    assert len(first) == 2 and len(second) == 2
    assert not {r.pk for r in first} & {r.pk for r in second}
    if connection.vendor == "postgresql":
        assert first[0].pk < second[0].pk  # read on from the last one claimed


def test_a_run_ending_with_a_batch_still_out_is_started_again_by_the_beat(
    crowd, make_user, settings, monkeypatch
):
    from messaging.tasks import start_due_messages

    settings.MESSAGING_STALE_CLAIM_SECONDS = 60
    locmem.outbox.clear()
    message = _message(make_user)
    [out] = claim_batch(message, 1)  # another worker's batch, out (or its worker dead)
    outcome = services.run_sending(message.pk, backend=LocmemBackend())
    assert not outcome.finished and len(locmem.outbox) == 3
    message.refresh_from_db()
    assert message.state == MessageState.SENDING and message.resume_at == outcome.again_at
    # Once the claim is stale, the beat task starts the message again: the claim is
    # settled as uncertain (never sent again) and the message finishes.
    later = outcome.again_at + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert start_due_messages() == 1
    message.refresh_from_db()
    out.refresh_from_db()
    assert message.state == MessageState.SENT and out.status == RecipientStatus.UNCERTAIN
    assert len(locmem.outbox) == 3
