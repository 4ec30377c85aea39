"""Consent to messages, per channel and purpose (PDPL, manual 6.1: consent before any
message), and the addresses that must never be messaged.

A `Consent` is one change (given or withdrawn), never updated in place: the latest record of
a (customer, channel, purpose), the highest id, is the person's current answer.
"""

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, transition
from simple_history.models import HistoricalRecords

from core.consent import ConsentChannel, ConsentPurpose, ConsentSource
from core.models import SettingsRow, TransitionRecord, staff_member, state_field
from core.steps import Step, StepPath
from core.workflow import AUTOMATIC
from customers.models import Customer

from .choices import MessageState, RecipientStatus, SkipReason

# The choices live in core.consent: the customers app's form and import use them too.
Channel = ConsentChannel
Purpose = ConsentPurpose
Source = ConsentSource


class Consent(models.Model):
    """One change of a customer's consent to be messaged on a channel for a purpose: who
    recorded it, when the person gave or withdrew it, how, and its evidence."""

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("customer"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    given = models.BooleanField(_("consent given"))
    at = models.DateTimeField(_("given or withdrawn at"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent to messages")
        verbose_name_plural = _("consents to messages")
        ordering = ["-id"]
        indexes = [
            # The latest record of each (customer, channel, purpose): the highest id.
            models.Index(fields=["customer", "channel", "purpose", "-id"], name="consent_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.channel}.{self.purpose} {'+' if self.given else '-'}"


class SuppressionReason(models.TextChoices):
    INVALID = "invalid", _("Invalid address")
    COMPLAINED = "complained", _("Complained")
    BOUNCED = "bounced", _("Bounced permanently")
    REQUESTED = "requested", _("Asked never to be messaged")


class Suppression(models.Model):
    """A mobile (E.164) or an email (lower case) that is never messaged, whatever the
    consents say."""

    address = models.CharField(_("mobile or email"), max_length=254, unique=True)
    reason = models.CharField(_("reason"), max_length=20, choices=SuppressionReason.choices)
    at = models.DateTimeField(_("suppressed at"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        ordering = ["-at"]

    def __str__(self) -> str:
        return self.address


# --- segments, messages and recipients ---------------------------------------------------

SEND_PERMISSION = "messaging.send_message"
APPROVE_PERMISSION = "messaging.approve_message"


class Segment(models.Model):
    """A saved filter over customers (messaging.segments: the criteria each app registers),
    counted live when a message is written to it."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    criteria = models.JSONField(_("criteria"), default=dict, blank=True)
    created_by = staff_member(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self) -> str:
        return self.name


class MessagingSettings(SettingsRow):
    """The administrator's settings (one row): approval threshold, quiet hours, sender names
    and the gateway's price."""

    approval_threshold = models.PositiveIntegerField(
        _("approval needed above this many recipients"),
        default=50,
        help_text=_("A marketing message to more recipients waits for the CRM manager."),
    )
    quiet_start = models.TimeField(_("promotional messages from"), default=datetime.time(9, 0))
    quiet_end = models.TimeField(_("promotional messages until"), default=datetime.time(21, 0))
    sending_days = models.CharField(
        _("days promotional messages may go out"),
        max_length=20,
        default="0123456",
        help_text=_("Weekday numbers, Monday = 0 … Sunday = 6; all seven by default."),
    )
    promotional_sender = models.CharField(
        _("promotional sender name"),
        max_length=11,
        default="Jamiya-AD",
        help_text=_("Saudi promotional senders end in “-AD”."),
    )
    transactional_sender = models.CharField(
        _("transactional sender name"), max_length=11, default="Jamiya"
    )
    price_per_part = models.DecimalField(
        _("price of one SMS part (SAR)"), max_digits=8, decimal_places=4, default=0.05
    )
    rate_per_second = models.PositiveIntegerField(
        _("messages handed to the gateway per second"), default=20
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("messaging settings")
        verbose_name_plural = _("messaging settings")

    def __str__(self) -> str:
        return str(_("Messaging settings"))


def may_approve(message: models.Model, user: Any) -> bool:
    """The CRM manager approves or returns a message, never one they wrote (four eyes)."""
    return bool(
        user.has_perm(APPROVE_PERMISSION)
        and getattr(message, "created_by_id", None) != getattr(user, "pk", None)
    )


class Message(ConcurrentTransitionMixin, models.Model):
    STEP_PATH = StepPath(
        steps=(
            Step(MessageState.DRAFT, _("Draft")),
            Step(MessageState.AWAITING_APPROVAL, _("Awaiting approval")),
            Step(MessageState.APPROVED, _("Approved")),
            Step(MessageState.SCHEDULED, _("Scheduled")),
            Step(MessageState.SENDING, _("Sending")),
            Step(MessageState.SENT, _("Sent")),
        ),
        at={MessageState.PAUSED: MessageState.SENDING},
        ends=(Step(MessageState.CANCELLED, _("Cancelled")),),
    )

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    segment = models.ForeignKey(
        Segment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("segment"),
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
        help_text=_("A message to one person instead of a segment."),
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    html_body = models.TextField(_("email body (HTML)"), blank=True)
    # The message's own placeholders: {"tracking": "…", "link": "…"} (messaging.sending).
    values = models.JSONField(_("placeholder values"), default=dict, blank=True)
    state = state_field(MessageState, default=MessageState.DRAFT)
    scheduled_for = models.DateTimeField(_("send at"), null=True, blank=True)
    resume_at = models.DateTimeField(_("resumes at"), null=True, blank=True, editable=False)
    sender = models.CharField(_("sender name"), max_length=11, blank=True, editable=False)
    created_by = staff_member(_("written by"))
    approved_by = staff_member(_("approved by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sending finished"), null=True, blank=True)
    # Whoever the message has at its start: written once the recipients are listed.
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        permissions = [
            ("send_message", _("Can write and send messages")),
            ("approve_message", _("Can approve marketing messages")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(segment__isnull=True) | models.Q(customer__isnull=True),
                name="message_segment_or_customer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.pk}"

    @transition(
        field=state,
        source=MessageState.DRAFT,
        target=MessageState.AWAITING_APPROVAL,
        permission=SEND_PERMISSION,
    )
    def submit(self) -> None:
        pass

    @transition(
        field=state,
        source=MessageState.AWAITING_APPROVAL,
        target=MessageState.APPROVED,
        permission=may_approve,
    )
    def approve(self) -> None:
        pass

    @transition(
        field=state,
        source=MessageState.AWAITING_APPROVAL,
        target=MessageState.DRAFT,
        permission=may_approve,
    )
    def return_to_draft(self) -> None:
        pass

    @transition(
        field=state,
        source=[MessageState.DRAFT, MessageState.APPROVED],
        target=MessageState.SCHEDULED,
        permission=SEND_PERMISSION,
    )
    def schedule(self) -> None:
        """Drafts that need no approval (small or transactional) are scheduled directly;
        the service refuses the others."""

    @transition(
        field=state, source=MessageState.SCHEDULED, target=MessageState.SENDING, custom=AUTOMATIC
    )
    def start(self) -> None:
        pass

    @transition(
        field=state,
        source=MessageState.SENDING,
        target=MessageState.PAUSED,
        permission=SEND_PERMISSION,
    )
    def pause(self) -> None:
        pass

    @transition(
        field=state, source=MessageState.SENDING, target=MessageState.PAUSED, custom=AUTOMATIC
    )
    def pause_for_quiet_hours(self) -> None:
        pass

    @transition(
        field=state,
        source=MessageState.PAUSED,
        target=MessageState.SENDING,
        permission=SEND_PERMISSION,
    )
    def resume(self) -> None:
        pass

    @transition(
        field=state, source=MessageState.PAUSED, target=MessageState.SENDING, custom=AUTOMATIC
    )
    def resume_after_quiet_hours(self) -> None:
        pass

    @transition(
        field=state, source=MessageState.SENDING, target=MessageState.SENT, custom=AUTOMATIC
    )
    def finish(self) -> None:
        pass

    @transition(
        field=state,
        source=[
            MessageState.DRAFT,
            MessageState.AWAITING_APPROVAL,
            MessageState.APPROVED,
            MessageState.SCHEDULED,
            MessageState.SENDING,
            MessageState.PAUSED,
        ],
        target=MessageState.CANCELLED,
        permission=SEND_PERMISSION,
    )
    def cancel(self) -> None:
        pass


class MessageTransition(TransitionRecord):
    # The sending steps (start, quiet hours, finish) are taken by the worker: no one.
    actor = models.ForeignKey(  # type: ignore[assignment]  # nullable here only
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("message")
    )
    source = models.CharField(_("from"), max_length=30, choices=MessageState.choices)
    target = models.CharField(_("to"), max_length=30, choices=MessageState.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("message step")
        verbose_name_plural = _("message steps")


class Recipient(models.Model):
    """One person a message goes to (or was kept from, with the reason): sent at most once,
    by the claim of the batch that sends it (messaging.sending)."""

    message = models.ForeignKey(
        Message,
        on_delete=models.CASCADE,
        related_name="recipients",
        verbose_name=_("message"),
        # The indexes below start with the message: one more would only slow each write.
        db_index=False,
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="messages_received",
        verbose_name=_("customer"),
    )
    address = models.CharField(_("mobile or email"), max_length=254, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RecipientStatus.choices, default=RecipientStatus.PENDING
    )
    reason = models.CharField(_("reason"), max_length=20, choices=SkipReason.choices, blank=True)
    claim = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    gateway_id = models.CharField(_("gateway reference"), max_length=100, blank=True)
    parts = models.PositiveSmallIntegerField(_("SMS parts"), default=0)
    error = models.CharField(_("gateway error"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "customer"], name="one_recipient_per_message"
            )
        ]
        indexes = [
            models.Index(fields=["message", "status"], name="recipient_message_status"),
            # The next batch to claim: a message's pending recipients in id order, read
            # without sorting them all (messaging.sending.claim_batch).
            models.Index(
                fields=["message", "id"],
                name="recipient_pending",
                condition=models.Q(status="pending"),
            ),
            models.Index(
                fields=["gateway_id"],
                name="recipient_gateway_id",
                condition=~models.Q(gateway_id=""),
            ),
        ]

    def __str__(self) -> str:
        return self.address or str(self.customer_id)


class DirectSms(models.Model):
    """A transactional SMS to a number that is not (or not yet) a customer's record: the
    tracking number of a case filed on the public page, whose filer is never linked to a
    customer until staff confirm the match. Sent at most once by a claim (messaging.tasks
    .send_direct_sms), kept like a recipient: its status, the gateway's reference for
    delivery reports, and the error."""

    to = models.CharField(_("mobile"), max_length=16)
    body = models.TextField(_("text"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    about = models.CharField(_("about"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RecipientStatus.choices, default=RecipientStatus.PENDING
    )
    reason = models.CharField(_("reason"), max_length=20, choices=SkipReason.choices, blank=True)
    sender = models.CharField(_("sender name"), max_length=11, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    retry_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    gateway_id = models.CharField(_("gateway reference"), max_length=100, blank=True)
    parts = models.PositiveSmallIntegerField(_("SMS parts"), default=0)
    error = models.CharField(_("gateway error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("SMS to a number")
        verbose_name_plural = _("SMS to numbers")
        indexes = [
            models.Index(
                fields=["gateway_id"],
                name="direct_sms_gateway_id",
                condition=~models.Q(gateway_id=""),
            ),
            models.Index(
                fields=["status", "retry_at"],
                name="direct_sms_waiting",
                condition=models.Q(status__in=["pending", "claimed"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to} #{self.pk}"


class EarlyDeliveryReport(models.Model):
    """A delivery report that came before the SMS it speaks of was recorded as handed over:
    a fast gateway may call the webhook while the batch is still writing the references it
    just received. Kept, and applied as soon as the reference is recorded; forgotten after
    EARLY_REPORT_DAYS (a reference that never comes is not ours)."""

    gateway_id = models.CharField(_("gateway reference"), max_length=100, db_index=True)
    outcome = models.CharField(max_length=20)
    at = models.DateTimeField()
    status = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("delivery report awaiting its SMS")
        verbose_name_plural = _("delivery reports awaiting their SMS")

    def __str__(self) -> str:
        return self.gateway_id


EARLY_REPORT_DAYS = 2
