"""Sending a message: listing its recipients, quiet hours, and the batches that hand it to
the gateway, each recipient at most once.

A batch first *claims* its recipients: one UPDATE turns up to `size` pending rows of the
message into claimed rows carrying the batch's token, so two workers on the same message
never take the same row. The batch then re-reads consent (a withdrawal takes effect for
every message not yet sent), renders each text, hands them to the backend and records each
answer. A worker that dies between the claim and the record leaves claimed rows behind:
`settle_stale_claims` marks them "interrupted" and never sends them again, since the gateway
may have taken them; at most once, never twice.
"""

import datetime
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.consent import ConsentChannel, ConsentPurpose
from customers.models import Customer
from customers.profile_cache import renew_customers

from .backends.base import BaseSmsBackend, GatewayUnavailable, OutgoingSms
from .choices import TRANSACTIONAL_PURPOSES, RecipientStatus, SkipReason
from .models import Message, MessagingSettings, Recipient
from .segments import eligible_condition, reason_conditions, segment_customers, with_eligibility
from .tokens import unsubscribe_url_maker

# Placeholders a text may hold, in English or Arabic: {name} / {الاسم}…
CUSTOMER_PLACEHOLDERS = {"name": "name", "الاسم": "name", "code": "code", "الرمز": "code"}
VALUE_PLACEHOLDERS = {
    "tracking": "tracking",
    "رقم_المتابعة": "tracking",
    "link": "link",
    "الرابط": "link",
}
PLACEHOLDER = re.compile(r"\{([^{}\s]+)\}")
LISTING_BATCH = 5000
ANALYZE_AFTER = 10_000  # recipients listed at once: the table's statistics are refreshed


def unknown_placeholders(text: str, values: Mapping[str, str]) -> list[str]:
    """The placeholders of `text` no recipient could fill: not a customer's, and not one of
    the message's own `values`."""
    unknown = []
    for name in PLACEHOLDER.findall(text):
        if name in CUSTOMER_PLACEHOLDERS:
            continue
        if VALUE_PLACEHOLDERS.get(name) in values:
            continue
        unknown.append(name)
    return unknown


def render(text: str, customer: Any, values: Mapping[str, str]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in CUSTOMER_PLACEHOLDERS:
            return str(getattr(customer, CUSTOMER_PLACEHOLDERS[name]))
        return str(values.get(VALUE_PLACEHOLDERS.get(name, ""), match.group(0)))

    return PLACEHOLDER.sub(fill, text)


# --- quiet hours -----------------------------------------------------------------------------


def is_promotional(message: Message) -> bool:
    return message.purpose not in TRANSACTIONAL_PURPOSES


def may_send_now(now: datetime.datetime, config: MessagingSettings) -> bool:
    local = timezone.localtime(now)
    return (
        str(local.weekday()) in config.sending_days
        and config.quiet_start <= local.time() < config.quiet_end
    )


def next_sending_time(now: datetime.datetime, config: MessagingSettings) -> datetime.datetime:
    """The first moment from `now` at which promotional messages may go out."""
    if may_send_now(now, config):
        return now
    local = timezone.localtime(now)
    for days in range(8):
        day = local.date() + datetime.timedelta(days=days)
        start = timezone.make_aware(datetime.datetime.combine(day, config.quiet_start))
        if start > local and str(day.weekday()) in config.sending_days:
            return start
    raise ValueError("No sending day is set in the messaging settings.")


# --- recipients ---------------------------------------------------------------------------


def audience_customers(message: Message) -> "Any":
    if message.customer_id is not None:
        return Customer.objects.filter(pk=message.customer_id)
    assert message.segment is not None
    return segment_customers(message.segment.criteria)


def list_recipients(message: Message) -> int:
    """Write the message's recipients once: the eligible ones pending, the others skipped
    with their reason, a shared address sent to its first customer only. Returns how many
    will be sent it."""
    if message.recipients.exists():
        return message.recipients.filter(status=RecipientStatus.PENDING).count()
    reasons = reason_conditions(message.purpose)
    rows = (
        with_eligibility(audience_customers(message), message.channel, message.purpose)
        .annotate(
            msg_reason=Case(
                *(
                    When(condition, then=Value(str(reason)))
                    for reason, condition in reasons.items()
                ),
                default=Value(""),
            )
        )
        .order_by("pk")
        .values_list("pk", "msg_address", "msg_reason")
    )
    seen: set[str] = set()
    batch: list[Recipient] = []
    pending = 0
    for customer_id, address, reason in rows.iterator(chunk_size=LISTING_BATCH):
        address = address or ""
        if not reason and address in seen:
            reason = SkipReason.DUPLICATE
        status = RecipientStatus.SKIPPED if reason else RecipientStatus.PENDING
        if not reason:
            seen.add(address)
            pending += 1
        batch.append(
            Recipient(
                message=message,
                customer_id=customer_id,
                address=address,
                status=status,
                reason=reason,
            )
        )
        if len(batch) >= LISTING_BATCH:
            Recipient.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Recipient.objects.bulk_create(batch, ignore_conflicts=True)
    if pending >= ANALYZE_AFTER and connection.vendor == "postgresql":
        # The planner's statistics before the batches read these rows: autovacuum may
        # not have counted them yet, and a plan made for a small table scans them all.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Recipient._meta.db_table)}")
    Message.objects.filter(pk=message.pk).update(recipient_count=pending)
    message.recipient_count = pending
    return pending


# --- batches -----------------------------------------------------------------------------


# What a batch reads of its recipients: their own row, and of the customer what the texts
# fill in (placeholders) and the unsubscribe link names (messaging.email reads the same).
RECIPIENT_FIELDS = [field.name for field in Recipient._meta.concrete_fields]
CUSTOMER_FIELDS = sorted(set(CUSTOMER_PLACEHOLDERS.values()))  # and its id, always read

# The last recipient this process claimed, by message: the next batch is read from there
# on, rather than over the index entries of every recipient already claimed (a shortcut
# only: when less than a batch is found above it, the batch looks again from the start).
_claimed_up_to: dict[int, int] = {}


def claim_batch(message: Message, size: int) -> list[Recipient]:
    """Take up to `size` pending recipients of the message for this batch alone."""
    token = uuid.uuid4()
    pending = Recipient.objects.filter(message=message, status=RecipientStatus.PENDING)
    locking = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        if locking:
            # PostgreSQL: the rows are locked as they are read; another worker's batch
            # skips them and takes the next ones.
            pending = pending.select_for_update(skip_locked=True)
        ids = _pending_ids(pending, _claimed_up_to.get(message.pk, 0), size)
        if not ids:
            _claimed_up_to.pop(message.pk, None)
            return []
        _claimed_up_to[message.pk] = ids[-1]
        chosen = Recipient.objects.filter(pk__in=ids)
        if not locking:
            # The status condition again in the UPDATE: a row another worker claimed
            # meanwhile is left to it. (Not on PostgreSQL: the rows are locked, and the
            # condition would lead the planner to scan every pending row.)
            chosen = chosen.filter(status=RecipientStatus.PENDING)
        chosen.update(status=RecipientStatus.CLAIMED, claim=token, claimed_at=timezone.now())
    # By primary key (claim has no index): the rows of `ids` this batch took.
    return list(
        Recipient.objects.filter(pk__in=ids, claim=token)
        .select_related("customer")
        .only(*RECIPIENT_FIELDS, *(f"customer__{name}" for name in CUSTOMER_FIELDS))
        .order_by("pk")
    )


def _pending_ids(pending: "Any", after: int, size: int) -> list[int]:
    ordered = pending.order_by("pk").values_list("pk", flat=True)
    ids = list(ordered.filter(pk__gt=after)[:size]) if after else []
    # Fewer than a batch above it: the end of the message, or rows pending again below it
    # (a gateway failure), or a mark left by another message of the same id (tests).
    return ids if len(ids) == size else list(ordered[:size])


def settle_stale_claims(message: Message, older_than: datetime.timedelta) -> int:
    """Claims left by a worker that died: marked interrupted, never sent again."""
    return Recipient.objects.filter(
        message=message,
        status=RecipientStatus.CLAIMED,
        claimed_at__lt=timezone.now() - older_than,
    ).update(status=RecipientStatus.UNCERTAIN)


def _withdrawn_since_listing(message: Message, claimed: list[Recipient]) -> set[int]:
    """Recipients of the batch who may no longer be sent it (consent withdrawn, address
    suppressed since the list was made)."""
    ids = [recipient.customer_id for recipient in claimed]
    still = (
        with_eligibility(Customer.objects.filter(pk__in=ids), message.channel, message.purpose)
        .filter(eligible_condition(message.purpose))
        .values_list("pk", flat=True)
    )
    return set(ids) - set(still)


@dataclass
class BatchResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    gateway_ids: list[str] = field(default_factory=list)  # of the SMS handed over


def send_batch(
    message: Message, backend: BaseSmsBackend, config: MessagingSettings
) -> BatchResult | None:
    """Claim, check, render and hand over one batch; None when nothing is left to send.
    A gateway failure leaves the rest of the batch pending again and is raised."""
    claimed = claim_batch(message, backend.batch_size)
    if not claimed:
        return None
    result = BatchResult()
    withdrawn = _withdrawn_since_listing(message, claimed)
    if withdrawn:
        Recipient.objects.filter(
            pk__in=[r.pk for r in claimed if r.customer_id in withdrawn]
        ).update(status=RecipientStatus.SKIPPED, reason=SkipReason.WITHDRAWN)
        result.skipped = len(withdrawn)
    to_send = [recipient for recipient in claimed if recipient.customer_id not in withdrawn]
    if message.channel == ConsentChannel.SMS:
        _send_sms(message, to_send, backend, config, result)
    else:
        _send_email(message, to_send, result)
    return result


def _sender(message: Message, config: MessagingSettings) -> str:
    return config.promotional_sender if is_promotional(message) else config.transactional_sender


def _sms_text(message: Message, recipient: Recipient) -> str:
    return _sms_texts(message)(recipient)


def _sms_texts(message: Message) -> Callable[[Recipient], str]:
    """The text of the message for each recipient: what is the same for all (the footer,
    the unsubscribe page's path) is prepared once for the batch."""
    if not is_promotional(message):
        return lambda recipient: render(message.body, recipient.customer, message.values)
    line = _unsubscribe_line_maker(message.channel, message.purpose)

    def text(recipient: Recipient) -> str:
        return render(message.body, recipient.customer, message.values) + line(recipient.customer)

    return text


def _unsubscribe_line_maker(channel: str, purpose: str) -> Callable[[object], str]:
    """The last line of a promotional SMS for each customer: its unsubscribe link. Written in
    the association's language whoever sends it (a staff member's test in English, say)."""
    site = settings.SITE_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        footer = "\n" + _("To stop these messages: %(link)s")
    url = unsubscribe_url_maker(channel, purpose)
    return lambda customer: footer % {"link": site + url(customer)}


@dataclass(frozen=True)
class _TypicalCustomer:
    pk: int = 123456  # six digits, as most of the association's customers will have


def sms_unsubscribe_lines() -> dict[str, str]:
    """For each promotional purpose, the line its SMS ends with, with a typical customer's
    link (a real one differs by a character or two): the compose counter, the cost and the
    length check count it, since the gateway bills the text as sent."""
    return {
        purpose: _unsubscribe_line_maker(ConsentChannel.SMS, purpose)(_TypicalCustomer())
        for purpose in ConsentPurpose.values
        if purpose not in TRANSACTIONAL_PURPOSES
    }


def sms_as_sent(body: str, purpose: str) -> str:
    """The text of an SMS as the gateway will bill it (placeholders still unfilled)."""
    return body + sms_unsubscribe_lines().get(purpose, "")


def _send_sms(
    message: Message,
    recipients: list[Recipient],
    backend: BaseSmsBackend,
    config: MessagingSettings,
    result: BatchResult,
) -> None:
    sender = _sender(message, config)
    text = _sms_texts(message)
    outgoing = [
        OutgoingSms(
            to=r.address,
            body=text(r),
            sender=sender,
            reference=f"{message.pk}-{r.pk}",
        )
        for r in recipients
    ]
    try:
        answers = backend.send(outgoing)
    except GatewayUnavailable as failure:
        _record(recipients, failure.results, result)
        untried = recipients[len(failure.results) :]
        Recipient.objects.filter(pk__in=[r.pk for r in untried]).update(
            status=RecipientStatus.PENDING, claim=None, claimed_at=None
        )
        raise
    _record(recipients, answers, result)


def _record(recipients: list[Recipient], answers: Iterable[Any], result: BatchResult) -> None:
    now = timezone.now()
    accepted, refused = [], []
    for recipient, answer in zip(recipients, answers, strict=False):
        if answer.accepted:
            recipient.status = RecipientStatus.SENT
            recipient.sent_at = now
            recipient.gateway_id = answer.gateway_id
            recipient.parts = answer.parts
            accepted.append(recipient)
            result.gateway_ids.append(answer.gateway_id)
            result.sent += 1
        else:
            recipient.status = RecipientStatus.FAILED
            recipient.reason = SkipReason.REFUSED
            recipient.error = f"{answer.error} {answer.detail}".strip()[:300]
            refused.append(recipient)
            result.failed += 1
    _record_sent(accepted, now)
    if refused:  # a few: an invalid number now and then
        Recipient.objects.bulk_update(refused, ["status", "reason", "error"])
    # The customers' timelines show what was sent (the UPDATEs send no signal).
    renew_customers(recipient.customer_id for recipient in recipients)


RECORD_CHUNK = 300  # rows per UPDATE: 3 parameters each, under SQLite's limit


def _record_sent(recipients: list[Recipient], now: datetime.datetime) -> None:
    """Mark the recipients sent, each with its gateway id and parts, in one UPDATE … FROM
    a list of rows (PostgreSQL: three arrays unnested; SQLite: VALUES, in chunks), where
    bulk_update's CASE over every row cost more than the sending itself."""
    if not recipients:
        return
    table = connection.ops.quote_name(Recipient._meta.db_table)
    sent_at = Recipient._meta.get_field("sent_at").get_db_prep_value(now, connection)
    status = RecipientStatus.SENT.value
    if connection.vendor == "postgresql":  # three arrays: no query of thousands of parameters
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET status = %s, sent_at = %s, "
                "gateway_id = v.gateway_id, parts = v.parts "
                "FROM unnest(%s::bigint[], %s::varchar[], %s::integer[]) "
                f"AS v(id, gateway_id, parts) WHERE {table}.id = v.id",
                [
                    status,
                    sent_at,
                    [r.pk for r in recipients],
                    [r.gateway_id for r in recipients],
                    [r.parts for r in recipients],
                ],
            )
        return
    with connection.cursor() as cursor:
        for start in range(0, len(recipients), RECORD_CHUNK):
            chunk = recipients[start : start + RECORD_CHUNK]
            rows = ", ".join(["(CAST(%s AS bigint), %s, CAST(%s AS integer))"] * len(chunk))
            # SQLite names the columns of VALUES column1, column2…
            cursor.execute(
                f"UPDATE {table} SET status = %s, sent_at = %s, "
                "gateway_id = v.column2, parts = v.column3 "
                f"FROM (VALUES {rows}) AS v WHERE {table}.id = v.column1",
                [
                    status,
                    sent_at,
                    *(value for r in chunk for value in (r.pk, r.gateway_id, r.parts)),
                ],
            )


def _send_email(message: Message, recipients: list[Recipient], result: BatchResult) -> None:
    from .email import send_emails  # the e-mail of a message: HTML, text and unsubscribe

    _record(recipients, send_emails(message, recipients), result)


def progress(message: Message) -> dict[str, int]:
    """How many of the message's recipients are at each status."""
    counts = dict(message.recipients.order_by().values_list("status").annotate(count=Count("pk")))
    return {status: counts.get(status, 0) for status in RecipientStatus.values}
