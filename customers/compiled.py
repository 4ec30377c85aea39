"""SQL of the customer 360 compiled once per process, its parameters bound per request.

The page's two dearest reads, the badges' counts (customers.profile) and the timeline's
dates (customers.timeline), are each one query built from every app's querysets. Building
and compiling those querysets cost more than running them, and their SQL depends on little:
the reader (identity, permissions, roles, centres: `reader_scope`), the customer's shape (kind and
flags such as whether active: `customer_shape`) and the registries. So each such query is
compiled for two stand-ins of the customer (`probe_customer`: the same kind and flags, a
primary key and other columns of their own) at two instants of the clock (`profile_now()`),
and kept as its SQL and its parameters, each a constant or a slot: the customer's primary
key or the clock (moved by a fixed delta), bound per request.

What a badge's or a source's query may depend on is therefore: the reader, the customer's
kind and flags, the registries, the customer's primary key and the clock as `profile_now()`
gives it (never `timezone.now()`). A query whose compiled forms differ in any other way (it
reads the customer's name, or `timezone.now()`) is not kept: it is compiled on every request
as before. With the setting `CUSTOMER_PROFILE_SQL_CHECK` (the test suite), every bound query
is compared with a fresh compilation of the request's own querysets, and a difference fails
the request.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import connections, models
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from .models import Customer

# Stand-ins that no real row or instant has: the primary keys of the two probes, and the
# clock of each.
_PROBE_KEYS = (-1_999_999_001, -1_999_999_002)
_PROBE_TIMES = (
    datetime(1901, 1, 1, 1, 1, 1, tzinfo=UTC),
    datetime(1902, 2, 2, 2, 2, 2, tzinfo=UTC),
)
_CUSTOMER = object()
# Compiled queries kept per process: a few per reader and shape of customer.
MAX_KEPT = 2048

_clock: ContextVar[datetime | None] = ContextVar("customer_profile_clock", default=None)


def profile_now() -> datetime:
    """The instant a badge or a timeline source compares with (overdue, recent): the clock,
    or the probe's stand-in while the query is being compiled."""
    return _clock.get() or timezone.now()


@contextmanager
def _clock_at(instant: datetime) -> Iterator[None]:
    token = _clock.set(instant)
    try:
        yield
    finally:
        _clock.reset(token)


@contextmanager
def one_instant() -> Iterator[None]:
    """The page's badges and sources all read one instant (kept unless one is set)."""
    if _clock.get() is not None:
        yield
        return
    with _clock_at(timezone.now()):
        yield


def reader_scope(user: "User") -> Hashable:
    """What shapes the reader's part of a query: identity, flags, permissions, roles and the
    centres they work in (the permission cache of the request; the roles' names; the cached
    staff profile). A source may filter by the reader's centres as a list of ids: moving a
    staff member to another centre must not bind the old ones."""
    from association.roles import user_roles
    from association.selectors import staff_profile_for

    profile = staff_profile_for(user)
    return (
        user.pk,
        user.is_active,
        user.is_superuser,
        frozenset(user.get_all_permissions()),
        tuple(role.group_name for role in user_roles(user)),
        tuple(sorted(centre.pk for centre in profile.centres.all())) if profile else (),
    )


def customer_shape(customer: "Customer") -> Hashable:
    """What of the customer decides which badges and sources read what: its kind and its
    flags (whether active…), which the probes keep."""
    return (customer.kind, *(getattr(customer, name) for name in _flags(type(customer))))


def _flags(model: type[Any]) -> tuple[str, ...]:
    return tuple(
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.BooleanField)
    )


def probe_customer(customer: "Customer", number: int) -> "Customer":
    """A stand-in of the customer (the first or second probe): the same kind and flags,
    and a value of its own in every other column (a query reading one of them is not
    kept), nothing the page remembered on it."""
    model = type(customer)
    values = {
        field.attname: _probe_value(field, getattr(customer, field.attname), number)
        for field in model._meta.concrete_fields
    }
    probe = model(**values)
    probe._state.adding = False
    probe._state.db = customer._state.db
    return probe


def _probe_value(field: Any, value: Any, number: int) -> Any:
    if field.primary_key:
        return _PROBE_KEYS[number]
    if field.name == "kind" or isinstance(field, models.BooleanField):
        return value
    if isinstance(field, models.DateTimeField):
        return datetime(1903, 3, 1 + number, tzinfo=UTC)
    if isinstance(field, models.DateField):
        return date(1903, 3, 1 + number)
    if isinstance(field, models.CharField | models.TextField):
        return f"probe-{number}"
    if isinstance(field, models.IntegerField | models.ForeignKey):
        return -1_999_998_001 - number
    return value


@dataclass(frozen=True)
class _Clock:
    """A parameter that is the page's instant moved by `delta` (a week ago…), adapted for
    the database (SQLite: text) or not."""

    delta: timedelta
    adapted: bool


@dataclass(frozen=True)
class Compiled:
    """A query's SQL, its parameters (constants and slots) and the signature of what built
    it (the request's own build must have the same, else it is compiled afresh)."""

    sql: str
    params: tuple[Any, ...]
    signature: Any  # hashable

    def bind(self, customer_pk: Any, db: str) -> list[Any]:
        now = profile_now()
        ops = connections[db].ops
        return [
            customer_pk
            if param is _CUSTOMER
            else (
                (
                    ops.adapt_datetimefield_value(now + param.delta)
                    if param.adapted
                    else now + param.delta
                )
                if isinstance(param, _Clock)
                else param
            )
            for param in self.params
        ]


# A compilation: the SQL, its parameters and the signature of the build, or None for
# nothing to read.
Compilation = tuple[str, Sequence[Any], Any] | None

_kept: "OrderedDict[Hashable, Compiled | None]" = OrderedDict()
_lock = threading.Lock()


def compiled(
    key: Hashable, customer: "Customer", build: Callable[["Customer"], Compilation]
) -> Compiled | None:
    """The query `build(customer)` compiles, kept under `key` (which must name everything
    the SQL depends on but the customer's primary key and the clock). None when it cannot
    be kept (see the module) or reads nothing: the caller compiles it itself."""
    with _lock:  # (threads of one process share it)
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    found = _probe(customer, build)
    with _lock:
        _kept[key] = found
        while len(_kept) > MAX_KEPT:
            _kept.popitem(last=False)
    return found


def _probe(customer: "Customer", build: Callable[["Customer"], Compilation]) -> Compiled | None:
    made = []
    for number, instant in enumerate(_PROBE_TIMES):
        with _clock_at(instant):
            try:
                made.append(build(probe_customer(customer, number)))
            # A build that reads more of the customer than its columns (a related row) is
            # not kept: the request's own build runs, and raises if it is wrong.
            except ObjectDoesNotExist:
                return None
    first, second = made
    if first is None or second is None or first[0] != second[0] or first[2] != second[2]:
        return None
    if len(first[1]) != len(second[1]):
        return None
    params: list[Any] = []
    for one, other in zip(first[1], second[1], strict=True):
        if type(one) is type(other) and one == other:
            params.append(one)
        elif (one, other) == _PROBE_KEYS:
            params.append(_CUSTOMER)
        elif (clock := _clock_slot(one, other)) is not None:
            params.append(clock)
        else:  # the SQL depends on something else of the customer or of the moment
            return None
    return Compiled(first[0], tuple(params), first[2])


def _clock_slot(one: Any, other: Any) -> _Clock | None:
    """The probes' parameters as the clock moved by the same delta, if they are."""
    first, second = _instant(one), _instant(other)
    if first is None or second is None:
        return None
    delta = first - _PROBE_TIMES[0]
    if second - _PROBE_TIMES[1] != delta:
        return None
    return _Clock(delta, adapted=isinstance(one, str))


def _instant(value: Any) -> datetime | None:
    """A datetime parameter, or one the database adapted to text (naive in UTC: SQLite)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


def checking() -> bool:
    """Whether every bound query is compared with a fresh compilation (the test suite)."""
    return bool(getattr(settings, "CUSTOMER_PROFILE_SQL_CHECK", False))


def check(bound: tuple[str, list[Any]], fresh: Compilation, what: str) -> None:
    """Fail when the kept query, bound for this request, differs from the request's own."""
    if fresh is None or bound != (fresh[0], list(fresh[1])):
        raise AssertionError(
            f"The compiled {what} differs from the request's own:\n{bound!r}\n{fresh!r}"
        )


def forget() -> None:
    """Forget every kept query."""
    with _lock:
        _kept.clear()
