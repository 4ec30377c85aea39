"""Messages from draft to sent: the audience and its exclusions, approval, batches that
send each recipient at most once, withdrawal taking effect before sending, quiet hours and
gateway failures."""

import datetime
import itertools
import zoneinfo

import pytest
from django.utils import timezone

from association import roles
from core.consent import ConsentChannel, ConsentPurpose, ConsentSource
from customers.models import Customer
from messaging import services
from messaging.backends import locmem
from messaging.backends.base import GatewayUnavailable
from messaging.backends.locmem import SmsBackend as LocmemBackend
from messaging.choices import MessageState, RecipientStatus, SkipReason
from messaging.errors import MessagingError
from messaging.models import Consent, Message, MessagingSettings, Recipient, Segment, Suppression
from messaging.segments import audience, segment_customers
from messaging.sending import claim_batch, list_recipients, settle_stale_claims

RIYADH = zoneinfo.ZoneInfo("Asia/Riyadh")
DAYTIME = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=RIYADH)
codes = itertools.count(700001)


def customer(name="عميل", mobile="", email="", kind="beneficiary", consent=None):
    person = Customer.objects.create(
        code=next(codes), name=name, kind=kind, mobile=mobile, email=email
    )
    if consent is not None:
        Consent.objects.create(
            customer=person,
            channel=ConsentChannel.SMS,
            purpose=ConsentPurpose.MARKETING,
            given=consent,
            at=timezone.now(),
            source=ConsentSource.FORM,
        )
    return person


@pytest.fixture
def people(db):
    Suppression.objects.create(address="+966500000015", reason="complained", at=timezone.now())
    return {
        "agrees": customer("سارة", "+966500000011", consent=True),
        "agrees_too": customer("خالد", "+966500000012", consent=True),
        "same_number": customer("أخو خالد", "+966500000012", consent=True),
        "withdrew": customer("منى", "+966500000013", consent=False),
        "never_asked": customer("علي", "+966500000014"),
        "no_mobile": customer("بلا جوال", email="a@example.com", consent=True),
        "suppressed": customer("موقوف", "+966500000015", consent=True),
        "donor": customer("مانح", "+966500000016", kind="donor", consent=True),
    }


@pytest.fixture
def staff(make_user):
    return make_user(roles.CRM_STAFF), make_user(roles.CRM_MANAGER)


@pytest.fixture(autouse=True)
def _clean_outbox():
    locmem.outbox.clear()


@pytest.fixture
def schedule(django_capture_on_commit_callbacks):
    """Schedule a message for now; the sending task it queues runs (Celery eager)."""

    def run(message, actor):
        with django_capture_on_commit_callbacks(execute=True):
            services.message_schedule(message=message, actor=actor)

    return run


@pytest.fixture
def at_daytime(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: DAYTIME)


def marketing(staff, criteria=None, body="مرحبا {الاسم}، رمزك {code}"):
    segment = Segment.objects.create(
        name=f"s{next(codes)}", criteria=criteria or {}, created_by=staff[0]
    )
    return services.message_create(
        channel=ConsentChannel.SMS,
        purpose=ConsentPurpose.MARKETING,
        body=body,
        segment=segment,
        actor=staff[0],
    )


def test_the_audience_counts_each_reason_once(people):
    counted = audience(segment_customers({}), ConsentChannel.SMS, ConsentPurpose.MARKETING)
    assert counted.recipients == 3  # sara, khalid (once for two people), the donor
    assert counted.excluded == {
        SkipReason.NO_ADDRESS: 1,
        SkipReason.SUPPRESSED: 1,
        SkipReason.NO_CONSENT: 2,  # withdrew, never asked
        SkipReason.DUPLICATE: 1,
    }
    by_kind = audience(
        segment_customers({"kind": ["donor"]}), ConsentChannel.SMS, ConsentPurpose.MARKETING
    )
    assert by_kind.recipients == 1 and by_kind.total == 1


def test_service_notices_go_unless_withdrawn(people):
    counted = audience(segment_customers({}), ConsentChannel.SMS, ConsentPurpose.SERVICE)
    # No service answer was recorded: everyone with a mobile but the suppressed one, the
    # shared number once.
    assert counted.recipients == 7 - 1 - 1


def test_a_message_is_sent_once_to_each_eligible_person_with_their_name(
    people, staff, at_daytime, schedule
):
    message = marketing(staff)
    schedule(message, staff[0])
    message.refresh_from_db()
    assert message.state == MessageState.SENT
    sent = {sms.to: sms for sms in locmem.outbox}
    assert set(sent) == {"+966500000011", "+966500000012", "+966500000016"}
    sara = people["agrees"]
    assert sent["+966500000011"].body.startswith(f"مرحبا سارة، رمزك {sara.code}")
    # Marketing carries its unsubscribe link and goes under the promotional sender.
    assert "/u/" in sent["+966500000011"].body
    assert sent["+966500000011"].sender.endswith("-AD")
    statuses = dict(message.recipients.values_list("customer_id", "status"))
    assert statuses[sara.pk] == RecipientStatus.SENT
    assert statuses[people["same_number"].pk] == RecipientStatus.SKIPPED
    assert statuses[people["withdrew"].pk] == RecipientStatus.SKIPPED
    # Sending again sends nobody twice.
    services.run_sending(message.pk)
    assert len(locmem.outbox) == 3


def test_a_withdrawal_after_listing_takes_effect_before_sending(
    people, staff, at_daytime, schedule
):
    message = marketing(staff)
    list_recipients(message)
    Consent.objects.create(
        customer=people["agrees"],
        channel=ConsentChannel.SMS,
        purpose=ConsentPurpose.MARKETING,
        given=False,
        at=timezone.now(),
        source=ConsentSource.UNSUBSCRIBE_LINK,
    )
    schedule(message, staff[0])
    assert "+966500000011" not in {sms.to for sms in locmem.outbox}
    row = message.recipients.get(customer=people["agrees"])
    assert (row.status, row.reason) == (RecipientStatus.SKIPPED, SkipReason.WITHDRAWN)


def test_two_batches_never_claim_the_same_recipient(people, staff):
    message = marketing(staff)
    list_recipients(message)
    first, second = claim_batch(message, 2), claim_batch(message, 2)
    assert len(first) == 2 and len(second) == 1
    assert not {r.pk for r in first} & {r.pk for r in second}
    assert claim_batch(message, 2) == []


def test_claims_of_a_dead_worker_are_never_sent_again(people, staff, at_daytime, schedule):
    message = marketing(staff)
    list_recipients(message)
    [lost] = claim_batch(message, 1)
    Recipient.objects.filter(pk=lost.pk).update(claimed_at=DAYTIME - datetime.timedelta(hours=1))
    assert settle_stale_claims(message, datetime.timedelta(minutes=10)) == 1
    schedule(message, staff[0])
    assert lost.address == "+966500000011"
    assert lost.address not in {sms.to for sms in locmem.outbox}
    lost.refresh_from_db()
    assert lost.status == RecipientStatus.UNCERTAIN


def test_quiet_hours_pause_promotional_messages_and_resume_at_the_next_window(
    people, staff, monkeypatch, schedule
):
    night = datetime.datetime(2026, 12, 7, 22, 30, tzinfo=RIYADH)
    monkeypatch.setattr(timezone, "now", lambda: night)
    message = marketing(staff)
    schedule(message, staff[0])
    message.refresh_from_db()
    assert message.state == MessageState.PAUSED
    assert message.resume_at == datetime.datetime(2026, 12, 8, 9, 0, tzinfo=RIYADH)
    assert locmem.outbox == []
    # The next morning the beat task resumes it.
    monkeypatch.setattr(timezone, "now", lambda: message.resume_at)
    from messaging.tasks import start_due_messages

    assert start_due_messages() == 1
    message.refresh_from_db()
    assert message.state == MessageState.SENT and len(locmem.outbox) == 3


def test_transactional_messages_ignore_quiet_hours(people, staff, monkeypatch, schedule):
    monkeypatch.setattr(
        timezone, "now", lambda: datetime.datetime(2026, 12, 7, 23, 0, tzinfo=RIYADH)
    )
    message = services.message_create(
        channel=ConsentChannel.SMS,
        purpose=ConsentPurpose.SERVICE,
        body="رقم متابعة طلبك {رقم_المتابعة}",
        customer=people["never_asked"],
        values={"tracking": "C-2026-0042"},
        actor=staff[0],
    )
    schedule(message, staff[0])
    [sms] = locmem.outbox
    assert sms.body == "رقم متابعة طلبك C-2026-0042"  # no unsubscribe line
    assert not sms.sender.endswith("-AD")


def test_a_gateway_failure_keeps_what_was_sent_and_waits(people, staff, at_daytime, schedule):
    class FailsOnSecond(LocmemBackend):
        def send(self, messages):
            results = super().send(messages[:1])
            raise GatewayUnavailable("down", results=results, retry_after=120)

    message = marketing(staff)
    schedule(message, staff[0])  # sends all, eager
    other = marketing(staff)
    list_recipients(other)
    Message.objects.filter(pk=other.pk).update(state=MessageState.SENDING)
    locmem.outbox.clear()
    outcome = services.run_sending(other.pk, backend=FailsOnSecond())
    assert len(locmem.outbox) == 1 and not outcome.finished
    statuses = sorted(
        other.recipients.exclude(status=RecipientStatus.SKIPPED).values_list("status", flat=True)
    )
    assert statuses == [RecipientStatus.PENDING, RecipientStatus.PENDING, RecipientStatus.SENT]
    other.refresh_from_db()
    assert other.resume_at == DAYTIME + datetime.timedelta(seconds=120)


def test_big_marketing_messages_wait_for_the_managers_approval(people, staff, at_daytime, schedule):
    MessagingSettings.objects.update_or_create(pk=1, defaults={"approval_threshold": 2})
    writer, manager = staff
    message = marketing(staff)
    with pytest.raises(MessagingError):
        services.message_schedule(message=message, actor=writer)
    services.message_submit(message=message, actor=writer)
    with pytest.raises(MessagingError):
        services.message_approve(message=message, actor=writer)  # not the writer
    services.message_approve(message=message, actor=manager)
    schedule(message, writer)
    message.refresh_from_db()
    assert message.state == MessageState.SENT
    assert [t.target for t in message.transitions.order_by("id")][:4] == [
        MessageState.DRAFT,
        MessageState.AWAITING_APPROVAL,
        MessageState.APPROVED,
        MessageState.SCHEDULED,
    ]


def test_unknown_placeholders_are_refused(staff, db):
    with pytest.raises(MessagingError, match="{nmae}"):
        marketing(staff, body="مرحبا {nmae}")
    with pytest.raises(MessagingError, match="{الرابط}"):
        marketing(staff, body="تفضل {الرابط}")  # no link given to this message


def test_cancelling_skips_whoever_was_not_sent_yet(people, staff):
    message = marketing(staff)
    list_recipients(message)
    services.message_cancel(message=message, actor=staff[0])
    assert not message.recipients.filter(status=RecipientStatus.PENDING).exists()
    assert locmem.outbox == []


def test_the_beat_restarts_a_message_whose_worker_was_lost(people, staff, monkeypatch):
    """A worker killed mid-send loses its task: the message stays "sending" with nobody on
    it. Once no batch has been claimed for a while, the beat queues it again."""
    from messaging.tasks import start_due_messages

    monkeypatch.setattr(timezone, "now", lambda: DAYTIME)
    message = marketing(staff)
    list_recipients(message)
    Message.objects.filter(pk=message.pk).update(
        state=MessageState.SENDING, started_at=DAYTIME - datetime.timedelta(minutes=10)
    )
    [claimed] = claim_batch(message, 1)  # the lost worker's batch, claimed just now
    assert start_due_messages() == 0  # someone claimed recently: not idle
    Recipient.objects.filter(pk=claimed.pk).update(
        claimed_at=DAYTIME - datetime.timedelta(minutes=30)
    )
    assert start_due_messages() == 1
    message.refresh_from_db()
    assert message.state == MessageState.SENT
    claimed.refresh_from_db()
    assert claimed.status == RecipientStatus.UNCERTAIN  # never sent twice
    assert len(locmem.outbox) == 2
