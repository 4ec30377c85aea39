"""A form sent twice (a double click, a resend after a slow answer) is acted on once.

The form carries a one-time token made when it was shown. The first sending claims the
token in the shared cache (an atomic add: Redis in production); a later sending of the same
form finds the claim, and what the first one created once it is recorded."""

import re
import uuid
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest

TOKEN_FIELD = "submission_token"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_KEEP_SECONDS = 6 * 3600
_PENDING = "pending"


def new_token() -> str:
    return uuid.uuid4().hex


def token_of(request: HttpRequest) -> str:
    """The token the form was sent with, or a new one for a form shown for the first time
    (or sent without one: then it is treated as a first sending)."""
    token = request.POST.get(TOKEN_FIELD, "")
    return token if _TOKEN.match(token) else new_token()


def _key(token: str) -> str:
    return f"submission:{token}"


def claim(token: str) -> bool:
    """True for the first sending of this form, False for a repeat."""
    return cache.add(_key(token), _PENDING, _KEEP_SECONDS)


def record(token: str, outcome: Any) -> None:
    """What the first sending created, for the repeats to show."""
    cache.set(_key(token), outcome, _KEEP_SECONDS)


def release(token: str) -> None:
    """The first sending was refused (a message to correct): the form may be sent again."""
    cache.delete(_key(token))


def outcome(token: str) -> Any:
    """What the first sending created; None while it is still being processed."""
    value = cache.get(_key(token))
    return None if value == _PENDING else value
