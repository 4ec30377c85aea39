"""Reads of consents and suppressions. The current consent of a (customer, channel,
purpose) is its latest record, the highest id (records are never changed)."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from core.consent import (
    ALL_PAIRS,
    CHANNEL_ADDRESS_FIELD,
    FORM_PAIRS,
    ConsentChannel,
    ConsentPurpose,
    ConsentSource,
    pair_key,
)
from core.phones import normalize_saudi_mobile
from customers.models import Customer

from .choices import MessageState
from .models import Consent, Message, Recipient, Segment, Suppression

ConsentState = dict[tuple[str, str], Consent | None]


def normalized_address(address: str) -> str:
    """A mobile in E.164 or an email in lower case, as suppressions are kept; "" for
    nothing usable."""
    address = (address or "").strip()
    if not address:
        return ""
    if "@" in address:
        return address.lower()
    try:
        return normalize_saudi_mobile(address)
    except ValidationError:
        return ""


def consent_state(customer_id: int) -> ConsentState:
    """{(channel, purpose): latest record or None} for every channel and purpose, in one
    query (a person's history is a handful of rows)."""
    state: ConsentState = dict.fromkeys(ALL_PAIRS)
    for record in history_of(customer_id):
        key = (record.channel, record.purpose)
        if state.get(key) is None:
            state[key] = record
    return state


def history_of(customer_id: int) -> QuerySet[Consent]:
    """Every change of a customer's consents, newest first, with who recorded it."""
    return (
        Consent.objects.filter(customer_id=customer_id)
        .select_related("recorded_by")
        .order_by("-id")
    )


def latest_answers(customer_ids: Iterable[int]) -> dict[tuple[int, str], bool]:
    """{(customer id, pair key): given} of the pairs these customers have answered, in one
    query."""
    ids = list(customer_ids)
    answers: dict[tuple[int, str], bool] = {}
    if not ids:
        return answers
    rows = (
        Consent.objects.filter(customer_id__in=ids)
        .order_by("-id")
        .values_list("customer_id", "channel", "purpose", "given")
    )
    for customer_id, channel, purpose, given in rows:
        answers.setdefault((customer_id, pair_key(channel, purpose)), given)
    return answers


def consent_grids(customer_ids: Iterable[int]) -> dict[int, dict[str, bool]]:
    """{customer id: {pair key: given}} over the pairs a form offers, for many customers in
    one query (the form, the import and the export read them this way)."""
    ids = list(customer_ids)
    grids = {pk: dict.fromkeys(FORM_PAIRS, False) for pk in ids}
    for (customer_id, key), given in latest_answers(ids).items():
        if key in FORM_PAIRS:
            grids[customer_id][key] = given
    return grids


def marketing_summaries(customer_ids: Iterable[int]) -> dict[int, tuple[datetime.date, str]]:
    """{customer id: (local date, source label)} of the latest marketing consent given by
    each customer whose latest marketing answer on some channel is «given», one query."""
    ids = list(customer_ids)
    latest: dict[tuple[int, str], tuple[bool, datetime.datetime, str]] = {}
    rows = (
        Consent.objects.filter(customer_id__in=ids, purpose=ConsentPurpose.MARKETING)
        .order_by("-id")
        .values_list("customer_id", "channel", "given", "at", "source")
    )
    for customer_id, channel, given, at, source in rows:
        latest.setdefault((customer_id, channel), (given, at, source))
    found: dict[int, tuple[datetime.date, str]] = {}
    for (customer_id, _channel), (given, at, source) in latest.items():
        day = timezone.localdate(at)
        if given and (customer_id not in found or found[customer_id][0] < day):
            found[customer_id] = (day, str(ConsentSource(source).label))
    return found


def is_suppressed(address: str) -> bool:
    return bool(address) and Suppression.objects.filter(address=address).exists()


def may_message(customer: Customer, channel: str, purpose: str) -> bool:
    """May this customer be sent a message of this purpose on this channel now? Only to an
    address that is not suppressed, and: service notices (transactional: about their own
    request or complaint) unless they withdrew them; any other purpose only if their latest
    answer gave consent."""
    address = normalized_address(
        str(getattr(customer, CHANNEL_ADDRESS_FIELD[ConsentChannel(channel)], ""))
    )
    if not address or is_suppressed(address):
        return False
    latest = (
        Consent.objects.filter(customer_id=customer.pk, channel=channel, purpose=purpose)
        .order_by("-id")
        .values_list("given", flat=True)
        .first()
    )
    if purpose == ConsentPurpose.SERVICE:
        return latest is not False
    return latest is True


# --- segments and messages ---------------------------------------------------------------


def segments_visible_to(user: Any) -> "QuerySet[Segment]":
    """Segments are read by whoever may read messages or keep segments (the CRM
    department)."""
    if user.has_perm("messaging.view_segment"):
        return Segment.objects.select_related("created_by")
    return Segment.objects.none()


def messages_visible_to(user: Any) -> "QuerySet[Message]":
    if user.has_perm("messaging.view_message"):
        return Message.objects.select_related("segment", "customer", "created_by")
    return Message.objects.none()


def messages_awaiting_approval(user: Any, limit: int) -> list[Message]:
    """The messages waiting for this user's approval (not those they wrote), oldest first."""
    if not user.has_perm("messaging.approve_message"):
        return []
    return list(
        Message.objects.filter(state=MessageState.AWAITING_APPROVAL)
        .exclude(created_by=user)
        .select_related("segment", "customer")
        .order_by("created_at", "pk")[:limit]
    )


def recipients_of(message: Message, status: str = "") -> "QuerySet[Recipient]":
    recipients = message.recipients.select_related("customer").only(
        "pk",
        "message_id",
        "address",
        "status",
        "reason",
        "sent_at",
        "delivered_at",
        "parts",
        "error",
        "customer__id",
        "customer__code",
        "customer__name",
    )
    if status:
        recipients = recipients.filter(status=status)
    return recipients.order_by("pk")
