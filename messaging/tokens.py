"""The signed token of an unsubscribe link: it names one customer, one channel and one
purpose; it cannot be made or changed without the site's secret key (django.core.signing,
salted for this use only), so it withdraws nobody else's consent."""

from collections.abc import Callable

from django.core import signing
from django.urls import reverse

from core.consent import ConsentChannel, ConsentPurpose

SALT = "messaging.unsubscribe"


def unsubscribe_token(customer_id: int, channel: str, purpose: str) -> str:
    return signing.dumps([customer_id, channel, purpose], salt=SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str, str] | None:
    """(customer id, channel, purpose), or None for a token that was not signed by us."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 3
        or not isinstance(value[0], int)
        or value[1] not in ConsentChannel.values
        or value[2] not in ConsentPurpose.values
    ):
        return None
    return value[0], value[1], value[2]


def unsubscribe_url(customer: object, channel: str, purpose: str) -> str:
    """The path of a customer's one-click unsubscribe page for messages of this channel and
    purpose (a message adds the site's own domain)."""
    token = unsubscribe_token(getattr(customer, "pk"), channel, purpose)  # noqa: B009
    return reverse("unsubscribe:page", args=[token])


MARK = "TOKEN"


def unsubscribe_url_maker(channel: str, purpose: str) -> Callable[[object], str]:
    """unsubscribe_url(customer, channel, purpose) for many customers: the path is reversed
    once (a batch of thousands signs each token but resolves no URL pattern again). A
    token is URL-safe (base64 and ":"), so reverse() would not have quoted it."""
    path = reverse("unsubscribe:page", args=[MARK])
    head, tail = path.split(MARK, 1)

    def url(customer: object) -> str:
        return head + unsubscribe_token(getattr(customer, "pk"), channel, purpose) + tail  # noqa: B009

    return url
