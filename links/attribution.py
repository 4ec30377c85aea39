"""First touch: the tracked link a visitor of the public pages came through first, kept
with the visitor so that what they do next (a case filed, later a survey answered or a
support request) is attributed to it.

It is kept in a signed cookie (link id and time, tamper-proof, HttpOnly) rather than in the
database session: the redirect must cost exactly one INSERT (the visit), and a new
database session would add a SELECT and an INSERT for every first-time visitor. An existing
first touch is kept; it lasts LINK_ATTRIBUTION_DAYS (30 by default)."""

import datetime

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .models import TrackedLink

COOKIE = "crm_first_touch"
_SALT = "links.first_touch"


def _max_age() -> int:
    return int(getattr(settings, "LINK_ATTRIBUTION_DAYS", 30)) * 24 * 3600


def first_touch_value(request: HttpRequest) -> dict | None:
    """{"link": id, "at": ISO time} from the visitor's cookie, or None (none, tampered or
    expired)."""
    try:
        value = request.get_signed_cookie(COOKIE, salt=_SALT, max_age=_max_age())
    except (KeyError, signing.BadSignature):
        return None
    if value is None:
        return None
    try:
        link_id, at = value.split("|", 1)
        return {"link": int(link_id), "at": datetime.datetime.fromisoformat(at)}
    except ValueError:
        return None


def first_touch_id(request: HttpRequest) -> int | None:
    value = first_touch_value(request)
    return value["link"] if value else None


def first_touch(request: HttpRequest) -> TrackedLink | None:
    """The tracked link this visitor came through first (still existing), or None."""
    link_id = first_touch_id(request)
    if link_id is None:
        return None
    return TrackedLink.objects.filter(pk=link_id).first()


def remember_first_touch(request: HttpRequest, response: HttpResponse, link: TrackedLink) -> None:
    """Set the first touch unless the visitor already has one."""
    if first_touch_value(request) is not None:
        return
    response.set_signed_cookie(
        COOKIE,
        f"{link.pk}|{timezone.now().isoformat()}",
        salt=_SALT,
        max_age=_max_age(),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
