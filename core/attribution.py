"""Which tracked link brought a visitor of the public pages (the first touch).

The links app sits above the apps whose public pages produce outcomes (complaints now;
surveys and support requests later may sit above it and ask links directly). It registers
its reader here, so a lower app asks `first_touch_id(request)` without importing links and
stores the id in its own nullable `source_link` foreign key."""

from collections.abc import Callable

from django.http import HttpRequest

_reader: Callable[[HttpRequest], int | None] | None = None


def register_first_touch_reader(reader: Callable[[HttpRequest], int | None]) -> None:
    global _reader
    _reader = reader


def first_touch_id(request: HttpRequest) -> int | None:
    """The id of the tracked link this visitor came through first, if any."""
    return _reader(request) if _reader is not None else None
