"""The sending of messages on Celery: one task runs a message's batches for a bounded time
and queues itself again while there is more; a beat task every minute starts what is due
(scheduled messages at their time, messages paused by quiet hours at the next sending time,
messages whose gateway failed, after its wait, and messages still sending that no worker has
touched for IDLE: their task was lost with a worker that died) and the SMS to numbers
waiting for another attempt."""

import datetime

from celery import shared_task
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone


@shared_task(acks_late=True)
def send_message(message_id: int) -> int:
    """Send what one run may of the message; returns how many were handed over."""
    from .services import run_sending

    outcome = run_sending(message_id)
    if not outcome.finished and outcome.again_at is not None and outcome.again_at <= timezone.now():
        send_message.delay(message_id)
    return outcome.sent


# A message sending with no batch claimed for this long has no worker on it (a running
# worker claims a batch every few seconds and queues its next run at once).
IDLE = datetime.timedelta(minutes=2)


@shared_task
def start_due_messages() -> int:
    """Queue every message whose time has come; returns how many."""
    from .choices import MessageState
    from .models import Message, Recipient

    now = timezone.now()
    recent_claims = Recipient.objects.filter(message=OuterRef("pk"), claimed_at__gte=now - IDLE)
    due = Message.objects.filter(
        Q(state=MessageState.SCHEDULED, scheduled_for__lte=now)
        | Q(state=MessageState.SCHEDULED, scheduled_for__isnull=True)
        | Q(state__in=[MessageState.PAUSED, MessageState.SENDING], resume_at__lte=now)
        | (
            Q(state=MessageState.SENDING, resume_at__isnull=True, started_at__lt=now - IDLE)
            & ~Exists(recent_claims)
        )
    ).values_list("pk", flat=True)
    ids = list(due)
    for message_id in ids:
        send_message.delay(message_id)
    from .services import direct_sms_due, early_reports_forget

    early_reports_forget(now)
    direct = direct_sms_due(now)
    for sms_id in direct:
        send_direct_sms.delay(sms_id)
    return len(ids) + len(direct)


@shared_task
def send_direct_sms(sms_id: int) -> bool:
    """Hand one SMS to a number (messaging.models.DirectSms) to the gateway, at most once."""
    from .services import direct_sms_send

    return direct_sms_send(sms_id)
