"""The SMS gateway's calls to us (no login, no CSRF token, rate limited per address):
delivery reports at `/hooks/sms/delivery/` and replies (STOP) at `/hooks/sms/inbound/`.

Proof that the gateway sent it, one of two (one setting each, crm_site/settings.py):

- a signature: header `X-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw body with
  `settings.SMS_WEBHOOK_SECRET`, compared in constant time;
- a token in the path, for a gateway that cannot sign: `/hooks/sms/delivery/<token>/` and
  `/hooks/sms/inbound/<token>/`, the token being `settings.SMS_WEBHOOK_TOKEN` (long and
  random; it shows in the proxy's access log, so prefer the signature where possible).

Neither set: every call is refused. A bad or missing proof answers 403, a body that is not
what is described below 400, a body past `MAX_BODY` 413; everything else 200 with what was
done, so the gateway does not send it again (a report for an SMS we do not know is logged).

Unifonic: its DLR webhook is set in the account (Developer → Webhooks; older accounts:
Messages preferences → "DLR Webhook") to `https://<site>/hooks/sms/delivery/<token>/`; it
POSTs one report per SMS, retried until it gets a 200 (6 attempts within 72 hours), with
`MessageID` (the `data.MessageID` its send answered, kept as the recipient's gateway
reference), `DLR` "Delivered" or "Undeliverable", `Recipient`, `TimeCreated`, `SCTS`,
`DLRTimestamp`. Inbound SMS (a keyword on a long number or short code) are forwarded to
`https://<site>/hooks/sms/inbound/<token>/`. A proxy or another gateway in front may sign
instead, with the secret.

Delivery report body (JSON, or the same fields form-encoded), one object or a list of them:
`{"messageId" | "MessageID": "…", "status" | "DLR": "Delivered" | "Undeliverable" |
"Rejected" | "Failed" | "Expired" | "Sent", "errorCode": "ER-03", "timestamp" |
"DLRTimestamp" | "SCTS": ISO 8601, "yyyy-mm-dd hh:mm:ss" (Riyadh) or Unix seconds}`.

Inbound body: `{"from": "9665…", "body": "STOP"}` (also `From`/`sender`/`Recipient`… and
`Body`/`text`/`message`…).
"""

import datetime
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .services import DeliveryOutcome, DeliveryReport

SIGNATURE_HEADER = "HTTP_X_SIGNATURE"
SIGNATURE_PREFIX = "sha256="
MAX_BODY = 1_000_000  # bytes
MAX_REPORTS = 1000  # in one call

STATUS_OUTCOMES = {
    "delivered": DeliveryOutcome.DELIVERED,
    "delivrd": DeliveryOutcome.DELIVERED,
    "undeliverable": DeliveryOutcome.FAILED,
    "undeliv": DeliveryOutcome.FAILED,
    "rejected": DeliveryOutcome.FAILED,
    "failed": DeliveryOutcome.FAILED,
    "expired": DeliveryOutcome.FAILED,
    "sent": DeliveryOutcome.SENT,
    "queued": DeliveryOutcome.SENT,
    "accepted": DeliveryOutcome.SENT,
}
ID_KEYS = ("messageId", "MessageID", "messageID", "message_id", "id")
STATUS_KEYS = ("status", "Status", "DLR", "dlr")
ERROR_KEYS = ("errorCode", "ErrorCode", "error_code", "error")
TIME_KEYS = ("timestamp", "Timestamp", "DLRTimestamp", "SCTS", "deliveredAt")
FROM_KEYS = ("from", "From", "sender", "Sender", "Recipient", "recipient", "msisdn", "mobile")
BODY_KEYS = ("body", "Body", "text", "Text", "message", "Message", "content")


class BadPayload(ValueError):
    """The body is not what the webhook reads (400)."""


def proof_is_valid(*, body: bytes, signature: str, token: str | None) -> bool:
    """The signature of the body (or, when the URL carries one, the token) matches the
    settings, compared in constant time. Nothing configured: nothing is valid."""
    if token is not None:
        expected_token = settings.SMS_WEBHOOK_TOKEN
        return bool(expected_token) and hmac.compare_digest(token.encode(), expected_token.encode())
    secret = settings.SMS_WEBHOOK_SECRET
    if not secret or not signature.startswith(SIGNATURE_PREFIX):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature[len(SIGNATURE_PREFIX) :].strip().lower(), expected)


def sign(body: bytes, secret: str) -> str:
    """The X-Signature header value of a body (tests, and a proxy that signs for us)."""
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def read_objects(body: bytes, content_type: str) -> list[dict[str, Any]]:
    """The body's objects: JSON (an object or a list of objects), or one form-encoded
    object. Raises BadPayload."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        try:
            return [dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))]
        except UnicodeDecodeError as error:
            raise BadPayload("not UTF-8") from error
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadPayload("not JSON") from error
    items = data if isinstance(data, list) else [data]
    if not items or not all(isinstance(item, dict) for item in items):
        raise BadPayload("not an object or a list of objects")
    if len(items) > MAX_REPORTS:
        raise BadPayload("too many objects")
    return items


def _first(item: Mapping[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = item.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def read_time(value: Any) -> datetime.datetime:
    """A report's time: ISO 8601 or "yyyy-mm-dd hh:mm:ss" (Riyadh when it names no zone),
    or Unix seconds; now when absent, unreadable or in the future."""
    now = timezone.now()
    when: datetime.datetime | None = None
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        try:
            when = datetime.datetime.fromtimestamp(float(value), tz=datetime.UTC)
        except (OverflowError, OSError, ValueError):
            when = None
    elif isinstance(value, str):
        try:
            when = parse_datetime(value.strip())
        except ValueError:
            when = None
        if when is not None and timezone.is_naive(when):
            when = timezone.make_aware(when, timezone.get_default_timezone())
    if when is None or when > now:
        return now
    return when


def delivery_reports(items: list[dict[str, Any]]) -> tuple[list[DeliveryReport], list[str]]:
    """(the reports read, the reasons the others were left out)."""
    reports, ignored = [], []
    for item in items:
        gateway_id = _first(item, ID_KEYS)[:100]
        status = _first(item, STATUS_KEYS)
        outcome = STATUS_OUTCOMES.get(status.casefold())
        if not gateway_id or outcome is None:
            ignored.append(f"{gateway_id or '?'}: {status or 'no status'}")
            continue
        time_value = next((item[key] for key in TIME_KEYS if item.get(key)), None)
        reports.append(
            DeliveryReport(
                gateway_id=gateway_id,
                outcome=outcome,
                at=read_time(time_value),
                status=status[:50],
                error=_first(item, ERROR_KEYS)[:50].upper(),
            )
        )
    return reports, ignored


def inbound_reply(items: list[dict[str, Any]]) -> tuple[str, str]:
    """(from, body) of the reply. Raises BadPayload for several, or without a sender."""
    if len(items) != 1:
        raise BadPayload("one reply per call")
    sender, text = _first(items[0], FROM_KEYS), _first(items[0], BODY_KEYS)
    if not sender:
        raise BadPayload("no sender")
    return sender[:40], text[:500]
