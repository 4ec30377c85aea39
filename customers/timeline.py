"""One timeline of everything that happened with a customer, across all apps (the
«السجل الزمني» tab of the customer 360 page).

Each app registers its sources from its registrations module::

    @register_timeline_source("cases", gettext_lazy("Cases"), "chat-left-text",
                              permission="complaints.view_case")  # asked only for holders
    def case_entries(customer, user, limit):
        ...  # at most `limit` entries per query, newest first, only what `user` may see

`step_entries` turns a workflow's steps (TransitionRecord rows) into entries.

A source returns TimelineEntry rows: when, what, a title, a detail and a link only when the
user may open it. Each source runs a fixed number of queries whatever the number of entries
(the page's query budget is tested). The page merges the sources newest first and shows
PAGE_SIZE entries per page; page n asks every source for its n × PAGE_SIZE newest entries,
enough to fill the page whatever the mix. Customers never import the apps that register.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from core.models import TransitionRecord

    from .models import Customer

PAGE_SIZE = 30
# What every source is asked for on the first page (a panel reading the same rows may read
# this many, to share its query with the timeline: customers.profile.shared_rows).
FIRST_PAGE_LIMIT = PAGE_SIZE + 1
# Beyond this depth the older entries are in each app's own lists.
MAX_PAGE = 20


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime | date  # a date (a donation's day) sorts before that day's timed entries
    kind: str  # the key of the source that made it
    icon: str  # a Bootstrap Icons name
    title: str
    detail: str = ""
    url: str | None = None  # only when the user may open it
    actor: str = ""  # who did it, when known

    @property
    def sort_key(self) -> datetime:
        if isinstance(self.when, datetime):
            return self.when
        return timezone.make_aware(datetime.combine(self.when, time.min))

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, datetime)


TimelineSource = Callable[["Customer", "User", int], Iterable[TimelineEntry]]


@dataclass(frozen=True)
class TimelineKind:
    key: str
    label: str | Promise
    icon: str
    permission: str = ""  # the filter is offered only to holders; the source checks too


@dataclass(frozen=True)
class _Source:
    kind: TimelineKind
    entries: TimelineSource


_sources: list[_Source] = []


def register_timeline_source(
    key: str, label: str | Promise, icon: str, *, permission: str = ""
) -> Callable[[TimelineSource], TimelineSource]:
    """Register `fn(customer, user, limit)` under the kind `key` (one kind per source). With
    a `permission`, the source is asked only for users holding it (and its kind is offered
    in the filter only to them); within it, the source still keeps to what the user reads."""

    def register(entries: TimelineSource) -> TimelineSource:
        if all(source.entries is not entries for source in _sources):
            if any(source.kind.key == key for source in _sources):
                raise ValueError(f"A timeline source of kind {key!r} is already registered.")
            _sources.append(_Source(TimelineKind(key, label, icon, permission), entries))
        return entries

    return register


def unregister_timeline_source(entries: TimelineSource) -> None:
    _sources[:] = [source for source in _sources if source.entries is not entries]


def timeline_kinds(user: "User") -> list[TimelineKind]:
    """The kinds this user may filter by, in registration order."""
    return [
        source.kind
        for source in _sources
        if not source.kind.permission or user.has_perm(source.kind.permission)
    ]


@dataclass
class TimelinePage:
    entries: list[TimelineEntry]
    number: int
    has_older: bool
    kind: str  # the kind filtered by, "" for all
    kinds: list[TimelineKind]

    @property
    def has_newer(self) -> bool:
        return self.number > 1


def customer_timeline(
    customer: "Customer", user: "User", *, page: int = 1, kind: str = ""
) -> TimelinePage:
    """One page of the customer's timeline for this user, newest first; `kind` keeps one
    source (an unknown kind shows everything)."""
    kinds = timeline_kinds(user)
    keys = {item.key for item in kinds}
    kind = kind if kind in keys else ""
    number = max(1, min(page, MAX_PAGE))
    limit = number * PAGE_SIZE + 1
    entries: list[TimelineEntry] = []
    for source in _sources:
        if source.kind.key in keys and (not kind or source.kind.key == kind):
            entries.extend(source.entries(customer, user, limit))
    entries.sort(key=lambda entry: entry.sort_key, reverse=True)
    start = (number - 1) * PAGE_SIZE
    return TimelinePage(
        entries=entries[start : start + PAGE_SIZE],
        number=number,
        has_older=len(entries) > start + PAGE_SIZE and number < MAX_PAGE,
        kind=kind,
        kinds=kinds,
    )


def step_entries(
    steps: "Iterable[TransitionRecord]",
    *,
    kind: str,
    icon: str,
    title: Callable[[Any], str],
    url: Callable[[Any], str | None],
) -> list[TimelineEntry]:
    """The entries of a workflow's steps (core.models.TransitionRecord rows, their actor
    selected): when, who and the note; `title(step)` and `url(step)` give the rest."""
    return [
        TimelineEntry(
            when=step.at,
            kind=kind,
            icon=icon,
            title=title(step),
            detail=step.note,
            url=url(step),
            actor=person_name(step.actor),
        )
        for step in steps
    ]


def person_name(user: "User | None") -> str:
    """How a staff member is named in the timeline."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
