"""Where a tracked link may send a visitor: a page of this site that exists, or an address
whose host is on the allow-list (AllowedRedirectHost). Nothing else, so /c/<code> can never
be used to send people to a look-alike site (no open redirect).

Used by the service, the staff form and the admin form alike, and checked again at each
redirect (a host removed from the list stops its links at once)."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from core.cache import cached, register_topic

from .models import AllowedRedirectHost

# The allow-list is read at every redirect to an outside address: kept in the cache,
# renewed when a host is added, changed or removed.
HOSTS_TOPIC = "links_allowed_hosts"
register_topic(HOSTS_TOPIC, AllowedRedirectHost, form_options=False)

NOT_ALLOWED = _(
    "The target must be a page of this site (starting with /) or a full address "
    "(https://…) whose host is on the allowed list."
)
UNKNOWN_PAGE = _("No page of this site answers at this address.")
HOST_NOT_ALLOWED = _(
    "The host %(host)s is not on the allowed list. The administrator adds it in the "
    "admin under “allowed redirect hosts”."
)
BAD_HOST = _("Write the host name only, e.g. www.example.org: no scheme, path or port.")


def _has_control_or_space(text: str) -> bool:
    return any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in text)


def normalise_host(host: str) -> str:
    return host.strip().rstrip(".").lower()


def check_target(target: str) -> str:
    """The target as it will be used, or ValidationError (in the reader's language).

    A site page: starts with one "/" (never "//" or "/\\", which browsers read as another
    host) and resolves to a URL of this site. An external address: http(s), no user
    name or password in it, its host on the allow-list."""
    target = (target or "").strip()
    if not target or _has_control_or_space(target) or "\\" in target:
        raise ValidationError(NOT_ALLOWED, code="not_allowed")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//"):
        if parts.scheme or parts.netloc:
            raise ValidationError(NOT_ALLOWED, code="not_allowed")
        try:
            resolve(parts.path)
        except Resolver404:
            raise ValidationError(UNKNOWN_PAGE, code="unknown_page") from None
        return target
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(NOT_ALLOWED, code="not_allowed")
    if parts.username or parts.password:
        raise ValidationError(NOT_ALLOWED, code="not_allowed")
    host = normalise_host(parts.hostname)
    if host not in allowed_hosts():
        raise ValidationError(HOST_NOT_ALLOWED, code="host_not_allowed", params={"host": host})
    return target


def allowed_hosts() -> frozenset[str]:
    return cached(
        HOSTS_TOPIC,
        "hosts",
        lambda: frozenset(AllowedRedirectHost.objects.values_list("host", flat=True)),
    )


def is_allowed(target: str) -> bool:
    try:
        check_target(target)
    except ValidationError:
        return False
    return True


def check_host(host: str) -> str:
    """An allow-list entry: a bare host name (letters, digits, dots and hyphens)."""
    host = normalise_host(host)
    labels = host.split(".")
    valid = (
        0 < len(host) <= 253
        and len(labels) >= 2
        and all(
            0 < len(label) <= 63
            and not label.startswith("-")
            and not label.endswith("-")
            and all(char.isascii() and (char.isalnum() or char == "-") for char in label)
            for label in labels
        )
    )
    if not valid:
        raise ValidationError(BAD_HOST, code="bad_host")
    return host
