"""The token of an unsubscribe link: it names one customer, one channel and one purpose,
with a truncated HMAC-SHA256 of them under the site's secret key, salted for this use only
(django.utils.crypto.salted_hmac), so it cannot be made or changed without that key and
withdraws nobody else's consent. It is short, `<customer id>-<pair>.<16 characters>`,
because every marketing SMS carries it and an SMS is billed per part."""

import base64
from collections.abc import Callable

from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from core.consent import ConsentChannel, ConsentPurpose

SALT = "messaging.unsubscribe"
MAC_LENGTH = 16  # base64url characters: 96 bits


def _mac(payload: str) -> str:
    digest = salted_hmac(SALT, payload, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()[:MAC_LENGTH]


# A channel and a purpose travel as their places in the choices (a new one is added at the
# end of its choices, so the links already sent keep their meaning).
CHANNELS, PURPOSES = tuple(ConsentChannel.values), tuple(ConsentPurpose.values)


def unsubscribe_token(customer_id: int, channel: str, purpose: str) -> str:
    payload = f"{customer_id}-{CHANNELS.index(channel):x}{PURPOSES.index(purpose):x}"
    return f"{payload}.{_mac(payload)}"


def read_unsubscribe_token(token: str) -> tuple[int, str, str] | None:
    """(customer id, channel, purpose), or None for a token that was not made by us."""
    payload, _dot, mac = (token or "").partition(".")
    if not mac or not constant_time_compare(mac, _mac(payload)):
        return None
    customer, _dash, pair = payload.partition("-")
    try:
        return int(customer), CHANNELS[int(pair[:1], 16)], PURPOSES[int(pair[1:], 16)]
    except (ValueError, IndexError):
        return None


def unsubscribe_url(customer: object, channel: str, purpose: str) -> str:
    """The path of a customer's one-click unsubscribe page for messages of this channel and
    purpose (a message adds the site's own domain)."""
    token = unsubscribe_token(getattr(customer, "pk"), channel, purpose)  # noqa: B009
    return reverse("unsubscribe:page", args=[token])


MARK = "TOKEN"


def unsubscribe_url_maker(channel: str, purpose: str) -> Callable[[object], str]:
    """unsubscribe_url(customer, channel, purpose) for many customers: the path is reversed
    once (a batch of thousands signs each token but resolves no URL pattern again). A
    token is URL-safe (digits, "-", "." and base64url), so reverse() would not have quoted
    it."""
    path = reverse("unsubscribe:page", args=[MARK])
    head, tail = path.split(MARK, 1)

    def url(customer: object) -> str:
        return head + unsubscribe_token(getattr(customer, "pk"), channel, purpose) + tail  # noqa: B009

    return url
