"""Every write of consents: the customer information form's entry (customers.signals
.request_entered: the pairs the form changed), the public unsubscribe link, a STOP reply by
SMS, the demo and the admin. Records are appended, never changed. Then the messages'
workflow and sending, the suppression list, the gateway's delivery reports, and SMS to a
number that is no customer's record (the public complaint's tracking number)."""

import datetime
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.cache import bump
from core.consent import (
    FORM_PAIRS,
    ConsentChannel,
    ConsentPurpose,
    ConsentSource,
    no_consents,
    pair_key,
    split_pair,
)
from core.html import clean_html
from core.permissions import require
from core.phones import format_saudi_mobile_local
from core.text import isolate, normalize_arabic
from core.workflow import Workflow
from customers.models import Customer, CustomerRequest, RequestKind
from customers.profile_cache import renew_customers, renew_for_rows

from .backends.base import (
    BaseSmsBackend,
    GatewayUnavailable,
    OutgoingSms,
    SmsResult,
    get_sms_backend,
)
from .choices import MessageState, RecipientStatus, SkipReason
from .errors import MessagingError
from .models import (
    APPROVE_PERMISSION,
    EARLY_REPORT_DAYS,
    SEND_PERMISSION,
    Consent,
    DirectSms,
    EarlyDeliveryReport,
    Message,
    MessageTransition,
    MessagingSettings,
    Recipient,
    Segment,
    Suppression,
    SuppressionReason,
)
from .segments import AUDIENCE_TOPIC, audience
from .selectors import is_suppressed, latest_answers, normalized_address
from .sending import (
    audience_customers,
    is_promotional,
    list_recipients,
    may_send_now,
    next_sending_time,
    send_batch,
    settle_stale_claims,
    unknown_placeholders,
)

logger = logging.getLogger(__name__)


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight in Riyadh of a day (a consent given on a date, with no time)."""
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time()), timezone.get_default_timezone()
    )


def consents_record(
    *,
    customer_id: int,
    changes: Mapping[str, bool],
    at: datetime.datetime,
    source: str,
    evidence: str = "",
    actor: User | None = None,
) -> list[Consent]:
    """Record the pairs ({pair key: given}) whose current answer differs; the others are
    left as they are. Returns the records written."""
    records = _differing_consents(
        customer_id,
        changes,
        latest_answers([customer_id]),
        at=at,
        source=source,
        evidence=evidence,
        recorded_by_id=actor.pk if actor is not None else None,
    )
    with transaction.atomic():
        bump(AUDIENCE_TOPIC, once_per_transaction=True)  # bulk_create sends no signal
        renew_for_rows(records)
        return Consent.objects.bulk_create(records)


def _differing_consents(
    customer_id: int,
    changes: Mapping[str, bool],
    current: Mapping[tuple[int, str], bool],
    *,
    at: datetime.datetime,
    source: str,
    evidence: str,
    recorded_by_id: int | None,
) -> list[Consent]:
    """The records (unsaved) of the pairs whose customer's current answer differs."""
    return [
        Consent(
            customer_id=customer_id,
            channel=channel,
            purpose=purpose,
            given=given,
            at=at,
            source=source,
            evidence=evidence[:300],
            recorded_by_id=recorded_by_id,
        )
        for key, given in changes.items()
        for channel, purpose in [split_pair(key)]
        if current.get((customer_id, key)) != given
    ]


def consents_from_entered_form(*, request: CustomerRequest) -> int:
    """The consents of an entered customer information form (customers.signals
    .request_entered, inside the entry's transaction): for each line, the pairs the form
    changed from the values it was prepared against, written where the customer's current
    answer differs (a withdrawal by link since then is not undone by a form that did not
    touch that pair). Source «form» (an import batch: «import»), evidence the form's number,
    recorded by the person who entered it. Returns how many records were written."""
    lines = [line for line in request.lines.all() if "consents" in line.proposed]
    if not lines:
        return 0
    changes_by_customer: dict[int, dict[str, bool]] = {}
    dates: dict[int, tuple[str | None, str]] = {}
    for line in lines:
        base = {**no_consents(), **(line.base_values.get("consents") or {})}
        proposed = line.proposed.get("consents") or {}
        changed = {
            key: bool(given)
            for key, given in proposed.items()
            if key in FORM_PAIRS and bool(given) != bool(base.get(key))
        }
        if changed and line.customer_id:
            changes_by_customer[line.customer_id] = changed
            dates[line.customer_id] = (
                line.proposed.get("consent_date"),
                line.proposed.get("consent_source") or "",
            )
    if not changes_by_customer:
        return 0
    source = ConsentSource.IMPORT if request.kind == RequestKind.IMPORT else ConsentSource.FORM
    now = timezone.now()
    current: dict[tuple[int, str], bool] = {}
    customer_ids = list(changes_by_customer)
    for start in range(0, len(customer_ids), 1000):  # one query per 1,000 customers
        current.update(latest_answers(customer_ids[start : start + 1000]))
    records: list[Consent] = []
    for customer_id, changed in changes_by_customer.items():
        day, how = dates[customer_id]
        at = day_start(datetime.date.fromisoformat(day)) if day else now
        evidence = _("Form %(number)s") % {"number": request.pk}
        if how:
            evidence = f"{evidence} · {how}"
        records += _differing_consents(
            customer_id,
            changed,
            current,
            at=at,
            source=source,
            evidence=evidence,
            recorded_by_id=request.entered_by_id,
        )
    Consent.objects.bulk_create(records, batch_size=1000)
    bump(AUDIENCE_TOPIC, once_per_transaction=True)  # bulk_create sends no signal
    renew_for_rows(records)
    return len(records)


def consent_withdraw_by_link(*, customer_id: int, channel: str, purpose: str) -> bool:
    """The person clicked the unsubscribe link of a message: withdrawn at once. A second
    click records nothing more. Returns whether a record was written."""
    with transaction.atomic():
        # Serialise two clicks at once on the same customer's consents.
        Customer.objects.select_for_update().filter(pk=customer_id).values_list("pk").first()
        written = consents_record(
            customer_id=customer_id,
            changes={pair_key(channel, purpose): False},
            at=timezone.now(),
            source=ConsentSource.UNSUBSCRIBE_LINK,
            evidence=_("Unsubscribe link"),
        )
    return bool(written)


def consents_seed(rows: list[tuple[int, str, datetime.datetime, str]]) -> None:
    """Synthetic consents given, [(customer id, pair key, at, how)], in bulk (the seeding
    commands, through customers.consents.seed_consents): no check, no actor."""
    Consent.objects.bulk_create(
        [
            Consent(
                customer_id=customer_id,
                channel=split_pair(key)[0],
                purpose=split_pair(key)[1],
                given=True,
                at=at,
                source=ConsentSource.FORM,
                evidence=how[:300],
            )
            for customer_id, key, at, how in rows
        ],
        batch_size=2000,
    )
    bump(AUDIENCE_TOPIC, once_per_transaction=True)  # bulk_create sends no signal


# --- messages ------------------------------------------------------------------------------


def segment_create(
    *, name: str, criteria: dict[str, Any], actor: Any, description: str = ""
) -> Segment:
    require(actor, "messaging.add_segment")
    segment = Segment(name=name, description=description, criteria=criteria, created_by=actor)
    segment._history_user = actor  # type: ignore[attr-defined]  # simple-history's author
    with transaction.atomic():
        segment.save()
    return segment


def segment_update(
    *, segment: Segment, name: str, criteria: dict[str, Any], actor: Any, description: str = ""
) -> Segment:
    """Messages already listed keep their recipients; drafts count the new criteria."""
    require(actor, "messaging.change_segment")
    segment.name, segment.description, segment.criteria = name, description, criteria
    segment._history_user = actor  # type: ignore[attr-defined]  # simple-history's author
    with transaction.atomic():
        segment.save()
    return segment


MESSAGE_WORKFLOW = Workflow(
    audit=MessageTransition,
    error=MessagingError,
    stale_message=gettext_lazy("The message is no longer at this step. Reload the page."),
)


def message_create(
    *,
    channel: str,
    purpose: str,
    body: str,
    actor: Any,
    segment: Segment | None = None,
    customer: Customer | None = None,
    subject: str = "",
    html_body: str = "",
    values: dict[str, str] | None = None,
) -> Message:
    """A draft message to a segment or to one customer. Refuses placeholders no recipient
    could fill, and sanitises the HTML body."""
    values = values or {}
    if (segment is None) == (customer is None):
        raise MessagingError(_("Choose a segment or one customer."))
    unknown = sorted(
        {name for text in (body, subject, html_body) for name in unknown_placeholders(text, values)}
    )
    if unknown:
        raise MessagingError(
            _("Unknown placeholders: %(names)s.")
            % {"names": "، ".join(f"{{{n}}}" for n in unknown)}
        )
    with transaction.atomic():
        message = Message.objects.create(
            channel=channel,
            purpose=purpose,
            segment=segment,
            customer=customer,
            subject=subject,
            body=body,
            html_body=clean_html(html_body),
            values=values,
            created_by=actor,
        )
        MESSAGE_WORKFLOW.record_event(message, actor=actor, note=_("Written."))
    return message


def needs_approval(
    message: Message, config: MessagingSettings | None = None, *, recipients: int | None = None
) -> bool:
    """A marketing message to more recipients than the threshold waits for the CRM
    manager; so does any message to a segment whose audience is not yet counted.
    `recipients`: its audience counted already (the message page shows it)."""
    config = config or MessagingSettings.current()
    if not is_promotional(message) or message.customer_id is not None:
        return False
    if recipients is None:
        found = audience(audience_customers(message), message.channel, message.purpose)
        recipients = found.recipients
    return recipients > config.approval_threshold


def message_submit(*, message: Message, actor: Any) -> None:
    require(actor, SEND_PERMISSION)
    with transaction.atomic():
        MESSAGE_WORKFLOW.take_step(_locked(message), "submit", actor=actor)


def message_approve(*, message: Message, actor: Any, note: str = "") -> None:
    locked = _locked(message)
    if locked.created_by_id == getattr(actor, "pk", None):
        raise MessagingError(_("Nobody approves a message they wrote."))
    require(actor, APPROVE_PERMISSION)
    with transaction.atomic():
        MESSAGE_WORKFLOW.take_step(
            locked, "approve", actor=actor, note=note, fields={"approved_by": actor}
        )


def message_return(*, message: Message, actor: Any, note: str) -> None:
    require(actor, APPROVE_PERMISSION)
    if not note.strip():
        raise MessagingError(_("Say what should change."))
    if _locked(message).created_by_id == getattr(actor, "pk", None):
        raise MessagingError(_("Nobody approves a message they wrote."))
    with transaction.atomic():
        MESSAGE_WORKFLOW.take_step(_locked(message), "return_to_draft", actor=actor, note=note)


def message_schedule(*, message: Message, actor: Any, at: datetime.datetime | None = None) -> None:
    """Schedule (or send at once, `at` None) an approved message, or a draft that needs no
    approval; the sending task starts at `at`. A person needs the permission to send; the
    site's own notices (no actor: a complaint's tracking number) are sent by the code that
    writes them."""
    if actor is not None:
        require(actor, SEND_PERMISSION)
    with transaction.atomic():
        locked = _locked(message)
        if locked.state == MessageState.DRAFT and needs_approval(locked):
            raise MessagingError(
                _(
                    "This message goes to more people than the approval threshold: "
                    "send it for approval first."
                )
            )
        MESSAGE_WORKFLOW.take_step(locked, "schedule", actor=actor, fields={"scheduled_for": at})
        transaction.on_commit(lambda: enqueue_sending(locked.pk, at))


def message_pause(*, message: Message, actor: Any) -> None:
    require(actor, SEND_PERMISSION)
    with transaction.atomic():
        MESSAGE_WORKFLOW.take_step(_locked(message), "pause", actor=actor)


def message_resume(*, message: Message, actor: Any) -> None:
    require(actor, SEND_PERMISSION)
    with transaction.atomic():
        locked = _locked(message)
        MESSAGE_WORKFLOW.take_step(locked, "resume", actor=actor, fields={"resume_at": None})
        transaction.on_commit(lambda: enqueue_sending(locked.pk, None))


def message_cancel(*, message: Message, actor: Any, note: str = "") -> None:
    """Cancel: nothing more is sent; what was handed over stays recorded."""
    require(actor, SEND_PERMISSION)
    with transaction.atomic():
        locked = _locked(message)
        MESSAGE_WORKFLOW.take_step(locked, "cancel", actor=actor, note=note)
        locked.recipients.filter(status=RecipientStatus.PENDING).update(
            status=RecipientStatus.SKIPPED, reason=SkipReason.CANCELLED
        )


def test_address(actor: Any, channel: str) -> str:
    """Where a test of a message goes: the staff member's own mobile (their staff profile)
    for an SMS, their user's e-mail for an e-mail; "" when they have none."""
    if channel == ConsentChannel.SMS:
        profile = getattr(actor, "staff_profile", None)
        return normalized_address(getattr(profile, "mobile", "") or "")
    return normalized_address(getattr(actor, "email", "") or "")


def message_test_send(
    *, message: Message, actor: Any, backend: BaseSmsBackend | None = None
) -> str:
    """Send the message once to the staff member themselves, as a recipient would get it
    (the placeholders filled with their own name), at any step: sent at once whatever the
    quiet hours, recorded on the message's history, never counted as a recipient. Returns
    the address it went to, as shown."""
    require(actor, SEND_PERMISSION)
    address = test_address(actor, message.channel)
    if not address:
        if message.channel == ConsentChannel.SMS:
            raise MessagingError(
                _("Your staff profile has no mobile number: ask an administrator to add it.")
            )
        raise MessagingError(_("Your account has no e-mail address."))
    # An unsaved customer and recipient: the text is rendered exactly as for a recipient.
    myself = Customer(name=actor.get_full_name() or actor.get_username(), code=0)
    recipient = Recipient(message=message, customer=myself, address=address)
    if message.channel == ConsentChannel.SMS:
        from .sending import _sender, _sms_text

        outgoing = OutgoingSms(
            to=address,
            body=_sms_text(message, recipient),
            sender=_sender(message, MessagingSettings.current()),
            reference=f"{message.pk}-test",
        )
        try:
            answers = (backend or get_sms_backend()).send([outgoing])
        except GatewayUnavailable as failure:
            raise MessagingError(
                _("The SMS gateway did not answer: %(detail)s") % {"detail": failure.detail}
            ) from failure
        if not answers or not answers[0].accepted:
            detail = f"{answers[0].error} {answers[0].detail}".strip() if answers else ""
            raise MessagingError(_("The gateway refused the test: %(detail)s") % {"detail": detail})
        shown = format_saudi_mobile_local(address)
    else:
        from .email import send_emails

        send_emails(message, [recipient])
        shown = address
    with transaction.atomic():
        MESSAGE_WORKFLOW.record_event(
            message, actor=actor, note=_("Test sent to %(address)s.") % {"address": isolate(shown)}
        )
    return shown


def _locked(message: Message) -> Message:
    """The message re-read (its state as the database has it now)."""
    return Message.objects.get(pk=message.pk)


def enqueue_sending(message_id: int, at: datetime.datetime | None) -> None:
    from .tasks import send_message

    if at is None or at <= timezone.now():
        send_message.delay(message_id)
    else:
        send_message.apply_async((message_id,), eta=at)


# --- the sending run (the task's body) -----------------------------------------------------


# The default of settings.MESSAGING_STALE_CLAIM_SECONDS: stale_claim() is the one in force.
STALE_CLAIM = datetime.timedelta(minutes=10)


def stale_claim() -> datetime.timedelta:
    """How old a batch's claim is when its worker is taken for dead (the setting
    MESSAGING_STALE_CLAIM_SECONDS; tests of a killed worker use a few seconds)."""
    seconds = getattr(settings, "MESSAGING_STALE_CLAIM_SECONDS", None)
    return STALE_CLAIM if seconds is None else datetime.timedelta(seconds=seconds)


@dataclass
class RunResult:
    finished: bool = False
    again_at: datetime.datetime | None = None  # when the task should run again
    sent: int = 0


def run_sending(
    message_id: int, *, budget: float = 20.0, backend: BaseSmsBackend | None = None
) -> RunResult:
    """Send batches of the message for at most `budget` seconds. Starts a scheduled message
    (its recipients listed first), stops at a pause or cancel, pauses a promotional
    message at quiet hours (to resume at the next sending time), and finishes it when
    nobody is left. The caller runs it again at `again_at`."""
    outcome = RunResult()
    config = MessagingSettings.current()
    message = Message.objects.get(pk=message_id)
    if message.state == MessageState.SCHEDULED:
        if message.scheduled_for and message.scheduled_for > timezone.now():
            outcome.again_at = message.scheduled_for
            return outcome
        list_recipients(message)
        with transaction.atomic():
            MESSAGE_WORKFLOW.take_step(
                _locked(message), "start", fields={"started_at": timezone.now()}, actor=None
            )
        message.refresh_from_db()
    if (
        message.state == MessageState.PAUSED
        and message.resume_at
        and message.resume_at <= timezone.now()
    ):
        with transaction.atomic():
            MESSAGE_WORKFLOW.take_step(
                _locked(message), "resume_after_quiet_hours", fields={"resume_at": None}
            )
        message.refresh_from_db()
    if message.state != MessageState.SENDING:
        return outcome
    if message.resume_at is not None:  # waiting after a gateway failure
        if message.resume_at > timezone.now():
            return outcome
        Message.objects.filter(pk=message.pk).update(resume_at=None)
    settle_stale_claims(message, stale_claim())
    backend = backend or get_sms_backend()
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline:
        now = timezone.now()
        if is_promotional(message) and not may_send_now(now, config):
            resume = next_sending_time(now, config)
            with transaction.atomic():
                MESSAGE_WORKFLOW.take_step(
                    _locked(message),
                    "pause_for_quiet_hours",
                    fields={"resume_at": resume},
                    note=_("Quiet hours: resumes by itself."),
                )
            outcome.again_at = resume
            return outcome
        if Message.objects.filter(pk=message.pk, state=MessageState.SENDING).exists() is False:
            return outcome  # paused or cancelled by someone meanwhile
        started = time.monotonic()
        try:
            batch = send_batch(message, backend, config)
            if batch is not None:
                early_reports_apply(batch.gateway_ids)
        except GatewayUnavailable as failure:
            # The beat task starts it again after the wait (messaging.tasks).
            outcome.again_at = now + datetime.timedelta(seconds=failure.retry_after or 60)
            Message.objects.filter(pk=message.pk).update(resume_at=outcome.again_at)
            return outcome
        if batch is None:
            break
        outcome.sent += batch.sent
        _keep_rate(started, batch.sent, config.rate_per_second)
    else:
        outcome.again_at = timezone.now()
        return outcome
    if not message.recipients.filter(status=RecipientStatus.CLAIMED).exists():
        with transaction.atomic():
            MESSAGE_WORKFLOW.take_step(
                _locked(message), "finish", fields={"finished_at": timezone.now()}
            )
        outcome.finished = True
    else:
        # Another worker's batch is still out (or its worker died): look again once its
        # claim would be stale; the beat task (start_due_messages) starts it then.
        outcome.again_at = timezone.now() + stale_claim()
        Message.objects.filter(pk=message.pk).update(resume_at=outcome.again_at)
    return outcome


def _keep_rate(started: float, sent: int, per_second: int) -> None:
    """Wait so that the batch took at least sent / per_second seconds."""
    if per_second and sent:
        wait = sent / per_second - (time.monotonic() - started)
        if wait > 0:
            time.sleep(wait)


# --- the suppression list --------------------------------------------------------------------


def suppress_address(*, address: str, reason: str, note: str = "") -> bool:
    """Put a mobile or an email on the suppression list (an invalid number reported by the
    gateway, a permanent bounce, a complaint): never messaged again, whatever the consents
    say. An address already there keeps its reason and date. Returns whether it was added."""
    normalized = normalized_address(address)
    if not normalized:
        return False
    with transaction.atomic():
        _row, created = Suppression.objects.get_or_create(
            address=normalized,
            defaults={"reason": reason, "at": timezone.now(), "note": note[:300]},
        )
    if created:
        logger.info("Suppressed %s (%s): %s", normalized, reason, note)
    return created


def email_event_record(*, address: str, reason: str, message_id: str = "", note: str = "") -> bool:
    """An e-mail provider reported a permanent bounce, a refusal or a complaint
    (messaging.email_tracking): the message's recipient it speaks of is not delivered, and
    the address goes on the suppression list. A report received twice changes nothing more.
    Returns whether the address was added."""
    with transaction.atomic():
        if message_id:
            Recipient.objects.filter(
                gateway_id=message_id,
                status__in=[RecipientStatus.SENT, RecipientStatus.DELIVERED],
            ).update(status=RecipientStatus.FAILED, reason=SkipReason.REFUSED, error=note[:300])
        return suppress_address(address=address, reason=reason, note=note)


# --- delivery reports (messaging/webhooks.py) ------------------------------------------------


# Unifonic's codes of a number that does not exist or cannot receive SMS: the number goes on
# the suppression list ("Understanding reasons of SMS non-delivery").
INVALID_NUMBER_ERRORS = frozenset({"ER-02", "ER-03", "ER-04", "ER-05"})


class DeliveryOutcome:
    DELIVERED = "delivered"
    FAILED = "failed"
    SENT = "sent"  # still on its way: nothing to record


@dataclass(frozen=True)
class DeliveryReport:
    """One report of the gateway about one SMS it took."""

    gateway_id: str
    outcome: str  # a DeliveryOutcome
    at: datetime.datetime
    status: str = ""  # the gateway's word, e.g. "Undeliverable"
    error: str = ""  # the gateway's code, e.g. "ER-03"


@dataclass
class DeliveryTally:
    updated: int = 0  # recipients or SMS whose status changed
    unchanged: int = 0  # known, but already at that status or past it (a report repeated)
    unknown: int = 0  # no SMS of ours has that reference
    suppressed: int = 0  # numbers added to the suppression list


def delivery_reports_record(
    reports: list[DeliveryReport], *, keep_unknown: bool = True
) -> DeliveryTally:
    """Record the gateway's delivery reports on the recipients of messages and the SMS to
    numbers that carry their reference: delivered (with the time), or not delivered
    (refused by the gateway, with its code). Only an SMS handed over and not yet settled
    changes, so a report received twice, or a late "sent" after "delivered", changes
    nothing more. A permanent failure of an invalid number (INVALID_NUMBER_ERRORS) puts the
    number on the suppression list. A report for a reference not recorded yet is kept
    (EarlyDeliveryReport) and applied when it is (early_reports_apply)."""
    tally = DeliveryTally()
    early: list[EarlyDeliveryReport] = []
    with transaction.atomic():
        for report in reports:
            addresses: list[str] = []
            changed = 0
            for model, address_field in ((Recipient, "address"), (DirectSms, "to")):
                rows = model.objects.filter(gateway_id=report.gateway_id)
                found = list(rows.values_list(address_field, flat=True))
                if not found:
                    continue
                addresses += found
                changed += _apply_report(rows.filter(status=RecipientStatus.SENT), report)
            if not addresses:
                tally.unknown += 1
                if keep_unknown and report.outcome != DeliveryOutcome.SENT:
                    early.append(_early_report(report))
                logger.warning(
                    "SMS delivery report for a gateway reference not recorded yet %r (%s)",
                    report.gateway_id,
                    report.status,
                )
                continue
            if changed:
                tally.updated += 1
            else:
                tally.unchanged += 1
            if report.outcome == DeliveryOutcome.FAILED and report.error in INVALID_NUMBER_ERRORS:
                for address in set(addresses):
                    tally.suppressed += suppress_address(
                        address=address,
                        reason=SuppressionReason.INVALID,
                        note=_("Gateway report %(code)s") % {"code": report.error},
                    )
        EarlyDeliveryReport.objects.bulk_create(early)
    return tally


def _early_report(report: DeliveryReport) -> EarlyDeliveryReport:
    return EarlyDeliveryReport(
        gateway_id=report.gateway_id[:100],
        outcome=report.outcome,
        at=report.at,
        status=report.status[:100],
        error=report.error[:100],
    )


def early_reports_apply(gateway_ids: Iterable[str]) -> int:
    """The reports that came before these SMS were recorded as handed over (just now, by a
    batch or a direct SMS), applied now in the order they were made. One indexed query
    when there are none, as nearly always. Returns how many were applied."""
    references = [reference for reference in gateway_ids if reference]
    if not references:
        return 0
    with transaction.atomic():
        kept = list(
            EarlyDeliveryReport.objects.select_for_update(skip_locked=True)
            .filter(gateway_id__in=references)
            .order_by("at", "pk")
        )
        if not kept:
            return 0
        delivery_reports_record(
            [
                DeliveryReport(row.gateway_id, row.outcome, row.at, row.status, row.error)
                for row in kept
            ],
            keep_unknown=False,
        )
        EarlyDeliveryReport.objects.filter(pk__in=[row.pk for row in kept]).delete()
    return len(kept)


def early_reports_forget(now: datetime.datetime) -> int:
    """Reports whose SMS never came: not ours (another system on the same gateway account,
    or a reference mistyped by the gateway)."""
    cutoff = now - datetime.timedelta(days=EARLY_REPORT_DAYS)
    return int(EarlyDeliveryReport.objects.filter(received_at__lt=cutoff).delete()[0])


def _apply_report(rows: Any, report: DeliveryReport) -> int:
    if rows.model is Recipient and report.outcome != DeliveryOutcome.SENT:
        # The customers' timelines show each message's status (update() sends no signal).
        renew_customers(rows.values_list("customer_id", flat=True))
    if report.outcome == DeliveryOutcome.DELIVERED:
        return int(rows.update(status=RecipientStatus.DELIVERED, delivered_at=report.at))
    if report.outcome == DeliveryOutcome.FAILED:
        return int(
            rows.update(
                status=RecipientStatus.FAILED,
                reason=SkipReason.REFUSED,
                error=f"{report.error} {report.status}".strip()[:300],
            )
        )
    return 0


# --- STOP replies (messaging/webhooks.py) ----------------------------------------------------


# A reply that withdraws marketing by SMS, compared after core.text.normalize_arabic (hamza
# forms, tashkeel, tatweel, case) with the invisible marks and the punctuation around it
# removed.
STOP_KEYWORDS = frozenset(normalize_arabic(word) for word in ("STOP", "إلغاء", "إيقاف"))
_INVISIBLE_MARKS = dict.fromkeys(
    [
        0x061C,
        0xFEFF,
        *range(0x200B, 0x200F + 1),
        *range(0x202A, 0x202E + 1),
        *range(0x2066, 0x2069 + 1),
    ]
)
_PUNCTUATION_AROUND = " .!?؟،,؛;:-_*\"'()[]«»"


def is_stop_reply(text: str) -> bool:
    cleaned = normalize_arabic((text or "").translate(_INVISIBLE_MARKS))
    return cleaned.strip(_PUNCTUATION_AROUND) in STOP_KEYWORDS


@dataclass
class StopReply:
    is_stop: bool = False  # the text was a stop keyword
    customers: int = 0  # customers with that mobile
    withdrawn: int = 0  # consent records written
    confirmation: Message | None = None


def stop_reply_record(*, mobile: str, text: str) -> StopReply:
    """A reply by SMS: STOP / «إلغاء» / «إيقاف» (in any spelling is_stop_reply reads)
    withdraws marketing by SMS, at once, for every customer with that mobile (source «STOP
    reply», the text as evidence), so that no message not yet sent reaches them; then one
    confirmation goes to the number (a service notice: marketing is now off). A second STOP
    withdraws nothing more and sends no second confirmation. Any other text, or a number
    that is no customer's, changes nothing."""
    outcome = StopReply(is_stop=is_stop_reply(text))
    number = normalized_address(mobile) if "@" not in (mobile or "") else ""
    if not outcome.is_stop or not number:
        return outcome
    with transaction.atomic():
        # Serialise with an unsubscribe click or another reply for the same people.
        ids = list(
            Customer.objects.select_for_update()
            .filter(mobile=number)
            .order_by("-is_active", "code")
            .values_list("pk", flat=True)
        )
        outcome.customers = len(ids)
        now = timezone.now()
        for customer_id in ids:
            outcome.withdrawn += len(
                consents_record(
                    customer_id=customer_id,
                    changes={pair_key(ConsentChannel.SMS, ConsentPurpose.MARKETING): False},
                    at=now,
                    source=ConsentSource.STOP_REPLY,
                    evidence=_("SMS reply: %(text)s") % {"text": text.strip()},
                )
            )
    if outcome.withdrawn:
        try:
            outcome.confirmation = send_transactional_sms(
                customer=Customer.objects.get(pk=ids[0]),
                text=_(
                    "You will receive no more marketing messages from us by SMS. "
                    "To receive them again, contact us."
                ),
            )
        except Exception:  # the withdrawal stands whatever happens to its confirmation
            logger.exception("The confirmation of a STOP reply from %s was not sent", number)
    return outcome


def send_transactional_sms(*, customer: Customer, text: str, actor: User | None = None) -> Message:
    """A service notice by SMS to one customer (a confirmation, a decision about their own
    request), sent at once: quiet hours and marketing consent do not apply, a withdrawal of
    service notices or a suppressed number does. It is a message of its own, on the
    customer's timeline and the messages' pages. `text` may hold the customer's
    placeholders ({name}, {code}); `actor` None means the system."""
    with transaction.atomic():
        message = message_create(
            channel=ConsentChannel.SMS,
            purpose=ConsentPurpose.SERVICE,
            body=text,
            customer=customer,
            actor=actor,
        )
        message_schedule(message=message, actor=actor)
    return message


# --- SMS to a number that is no customer's record -------------------------------------------


DIRECT_SMS_ATTEMPTS = 5
# An SMS to a number still waiting this long after it was written lost its task (the broker
# was down): the beat task queues it again.
DIRECT_SMS_LOST = datetime.timedelta(minutes=2)


def direct_sms_queue(*, to: str, body: str, about: str = "") -> DirectSms:
    """A transactional SMS to a mobile that is no customer's record (the public complaint's
    filer): recorded now, handed to the gateway by a task once the caller's transaction has
    committed, so a gateway that fails never breaks what the caller does. An invalid or
    suppressed number is recorded as not sent."""
    number = normalized_address(to) if "@" not in (to or "") else ""
    sms = DirectSms(
        to=number or (to or "")[:16],
        body=body,
        purpose=ConsentPurpose.SERVICE,
        about=about[:200],
    )
    if not number:
        sms.status, sms.reason = RecipientStatus.SKIPPED, SkipReason.NO_ADDRESS
    elif is_suppressed(number):
        sms.status, sms.reason = RecipientStatus.SKIPPED, SkipReason.SUPPRESSED
    sms.save()
    if sms.status == RecipientStatus.PENDING:
        # robust: a broker that cannot be reached is logged; the beat task sends it later.
        transaction.on_commit(lambda: _enqueue_direct_sms(sms.pk), robust=True)
    return sms


def _enqueue_direct_sms(sms_id: int) -> None:
    from .tasks import send_direct_sms

    send_direct_sms.delay(sms_id)


def direct_sms_send(sms_id: int, *, backend: BaseSmsBackend | None = None) -> bool:
    """Hand one waiting SMS to the gateway, at most once: it is claimed first, so a second
    task for it does nothing. A gateway that fails leaves it waiting for another attempt
    (DIRECT_SMS_ATTEMPTS in all, then not delivered). Returns whether the gateway took it."""
    now = timezone.now()
    claimed = (
        DirectSms.objects.filter(pk=sms_id, status=RecipientStatus.PENDING)
        .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
        .update(status=RecipientStatus.CLAIMED, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    sms = DirectSms.objects.get(pk=sms_id)
    if is_suppressed(sms.to):
        _direct_sms_update(sms, status=RecipientStatus.SKIPPED, reason=SkipReason.SUPPRESSED)
        return False
    config = MessagingSettings.current()
    outgoing = OutgoingSms(
        to=sms.to, body=sms.body, sender=config.transactional_sender, reference=f"sms-{sms.pk}"
    )
    try:
        answer = (backend or get_sms_backend()).send([outgoing])[0]
    except GatewayUnavailable as failure:
        if failure.results:  # taken before the gateway failed
            answer = failure.results[0]
        elif sms.attempts >= DIRECT_SMS_ATTEMPTS:
            _direct_sms_update(
                sms, status=RecipientStatus.FAILED, reason=SkipReason.REFUSED, error=failure.detail
            )
            return False
        else:
            wait = failure.retry_after or 60 * sms.attempts
            _direct_sms_update(
                sms,
                status=RecipientStatus.PENDING,
                retry_at=now + datetime.timedelta(seconds=wait),
                error=failure.detail,
            )
            return False
    return _direct_sms_answered(sms, answer, config.transactional_sender)


def _direct_sms_answered(sms: DirectSms, answer: SmsResult, sender: str) -> bool:
    if answer.accepted:
        _direct_sms_update(
            sms,
            status=RecipientStatus.SENT,
            sent_at=timezone.now(),
            gateway_id=answer.gateway_id,
            parts=answer.parts,
            sender=sender,
            error="",
        )
        early_reports_apply([answer.gateway_id])
        return True
    _direct_sms_update(
        sms,
        status=RecipientStatus.FAILED,
        reason=SkipReason.REFUSED,
        error=f"{answer.error} {answer.detail}",
        sender=sender,
    )
    if answer.permanent and answer.error in INVALID_NUMBER_ERRORS:
        suppress_address(
            address=sms.to,
            reason=SuppressionReason.INVALID,
            note=_("Gateway refusal %(code)s") % {"code": answer.error},
        )
    return False


def _direct_sms_update(sms: DirectSms, **fields: Any) -> None:
    if "error" in fields:
        fields["error"] = str(fields["error"]).strip()[:300]
    DirectSms.objects.filter(pk=sms.pk).update(**fields)
    for name, value in fields.items():
        setattr(sms, name, value)


def direct_sms_due(now: datetime.datetime | None = None) -> list[int]:
    """The SMS to numbers the beat task should hand over now: those waiting for another
    attempt whose time has come, and those whose task was lost. Claims left by a worker
    that died are settled as interrupted first (never sent twice)."""
    now = now or timezone.now()
    DirectSms.objects.filter(
        status=RecipientStatus.CLAIMED, claimed_at__lt=now - STALE_CLAIM
    ).update(status=RecipientStatus.UNCERTAIN)
    waiting = DirectSms.objects.filter(status=RecipientStatus.PENDING).filter(
        Q(retry_at__lte=now) | Q(retry_at__isnull=True, created_at__lte=now - DIRECT_SMS_LOST)
    )
    return list(waiting.order_by("pk").values_list("pk", flat=True)[:1000])
