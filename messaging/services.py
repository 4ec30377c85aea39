"""Every write of consents: the customer information form's entry (customers.signals
.request_entered: the pairs the form changed), the public unsubscribe link, the demo and
the admin. Records are appended, never changed."""

import datetime
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.consent import (
    FORM_PAIRS,
    ConsentChannel,
    ConsentSource,
    no_consents,
    pair_key,
    split_pair,
)
from core.html import clean_html
from core.permissions import require
from core.phones import format_saudi_mobile_local
from core.text import isolate
from core.workflow import Workflow
from customers.models import Customer

from .backends.base import BaseSmsBackend, GatewayUnavailable, OutgoingSms, get_sms_backend
from .choices import MessageState, RecipientStatus, SkipReason
from .errors import MessagingError
from .models import (
    APPROVE_PERMISSION,
    SEND_PERMISSION,
    Consent,
    Message,
    MessageTransition,
    MessagingSettings,
    Recipient,
    Segment,
)
from .segments import audience
from .selectors import latest_answers, normalized_address
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
    current = latest_answers([customer_id])
    records = [
        Consent(
            customer_id=customer_id,
            channel=channel,
            purpose=purpose,
            given=given,
            at=at,
            source=source,
            evidence=evidence[:300],
            recorded_by=actor,
        )
        for key, given in changes.items()
        for channel, purpose in [split_pair(key)]
        if current.get((customer_id, key)) != given
    ]
    with transaction.atomic():
        return Consent.objects.bulk_create(records)


def consents_from_entered_form(*, request: Any) -> int:
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
    is_import = request.kind == "import"
    source = ConsentSource.IMPORT if is_import else ConsentSource.FORM
    now = timezone.now()
    current = latest_answers(changes_by_customer)
    records = []
    for customer_id, changed in changes_by_customer.items():
        day, how = dates[customer_id]
        at = day_start(datetime.date.fromisoformat(day)) if day else now
        evidence = _("Form %(number)s") % {"number": request.pk}
        if how:
            evidence = f"{evidence} · {how}"
        for key, given in changed.items():
            if current.get((customer_id, key)) == given:
                continue
            channel, purpose = split_pair(key)
            records.append(
                Consent(
                    customer_id=customer_id,
                    channel=channel,
                    purpose=purpose,
                    given=given,
                    at=at,
                    source=source,
                    evidence=evidence[:300],
                    recorded_by_id=request.entered_by_id,
                )
            )
    Consent.objects.bulk_create(records, batch_size=1000)
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


def needs_approval(message: Message, config: MessagingSettings | None = None) -> bool:
    """A marketing message to more recipients than the threshold waits for the CRM
    manager; so does any message to a segment whose audience is not yet counted."""
    config = config or MessagingSettings.current()
    if not is_promotional(message) or message.customer_id is not None:
        return False
    count = audience(audience_customers(message), message.channel, message.purpose).recipients
    return count > config.approval_threshold


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


STALE_CLAIM = datetime.timedelta(minutes=10)


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
    settle_stale_claims(message, STALE_CLAIM)
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
        outcome.again_at = timezone.now() + STALE_CLAIM
    return outcome


def _keep_rate(started: float, sent: int, per_second: int) -> None:
    """Wait so that the batch took at least sent / per_second seconds."""
    if per_second and sent:
        wait = sent / per_second - (time.monotonic() - started)
        if wait > 0:
            time.sleep(wait)
