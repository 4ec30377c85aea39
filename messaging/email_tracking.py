"""What an e-mail provider reports through django-anymail's tracking webhook
(messaging/urls_email_hooks.py): a permanent bounce, a refusal or a complaint puts the
address on the suppression list, and the message's recipient it speaks of is marked not
delivered. Other events (delivered, opened, deferred…) change nothing."""

from typing import Any

from .models import SuppressionReason
from .services import email_event_record

# anymail's normalised event types that must stop every e-mail to the address.
SUPPRESSING_EVENTS = {
    "bounced": SuppressionReason.BOUNCED,  # permanent (a temporary one is "deferred")
    "rejected": SuppressionReason.INVALID,  # the provider would not send to it
    "complained": SuppressionReason.COMPLAINED,  # marked as spam by the reader
}


def on_tracking_event(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    reason = SUPPRESSING_EVENTS.get(event.event_type)
    if reason is None or not event.recipient:
        return
    detail = event.description or event.mta_response or event.reject_reason or ""
    email_event_record(
        address=event.recipient,
        reason=reason,
        message_id=event.message_id or "",
        note=f"{esp_name}: {event.event_type} {detail}".strip(),
    )
