"""Reads that rarely change (cities, centres, categories, programmes, holidays, each user's
permissions and roles), kept in the Django cache (Redis in production, shared by every
process) under a version per topic.

A topic names the models it is read from (`register_topic("places", City, Centre)`); a save
or delete of one of them, or a change of a many-to-many relation named with
`m2m_through=`, gives the topic a new version, at once and again when the transaction
commits, so every process reads the new rows on its next request. Entries also expire after
`DEFAULT_TIMEOUT` (a change rolled back after someone read it inside its transaction lasts
no longer). Writes that bypass the signals (queryset.update, bulk_create, raw SQL) call
`bump(topic)` themselves.

    cached("places", "centres:ar", lambda: list(Centre.objects.all()))
"""

import hashlib
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import models, transaction
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")

DEFAULT_TIMEOUT = 600  # seconds
_PREFIX = "crm:cached"
_topics: dict[str, tuple[type[models.Model], ...]] = {}
_option_topics: set[str] = set()  # topics whose rows are form options (core.forms)


def _version_key(topic: str) -> str:
    return f"{_PREFIX}:version:{topic}"


def topic_version(topic: str, timeout: int | None = None) -> str:
    """The current version of the topic (made when first asked)."""
    version = cache.get(_version_key(topic))
    if version is None:
        cache.add(_version_key(topic), uuid.uuid4().hex, timeout)
        version = cache.get(_version_key(topic))
    return str(version)


def _renew(topic: str) -> None:
    cache.set(_version_key(topic), uuid.uuid4().hex, None)


_renewers: dict[str, Callable[[], None]] = {}


def _renewer(topic: str) -> Callable[[], None]:
    if topic not in _renewers:
        _renewers[topic] = lambda: _renew(topic)
    return _renewers[topic]


def bump(topic: str, *, once_per_transaction: bool = False) -> None:
    """Forget every entry of the topic (a new version), now and when the transaction
    commits. With `once_per_transaction`, a transaction writing many rows renews it on
    commit once, not once per row."""
    _renew(topic)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return  # committed already: the version renewed above is the one after the write
    renew = _renewer(topic)
    if once_per_transaction and any(
        func is renew for _sids, func, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(renew)


def record_name(label: str, pk: object) -> str:
    """The version name of one record, for `cached(..., records=[...])`."""
    return f"{label}:{pk}"


def _record_name(record: str) -> str:
    return f"record:{record}"


RECORD_VERSION_TIMEOUT = 86_400  # a version forgotten is made anew: no entry matches it


def renew_records(records: Iterable[str]) -> None:
    """New versions of these records (`record_name(...)`) in one round trip: every value kept
    about one of them is computed again."""
    versions = {_version_key(_record_name(record)): uuid.uuid4().hex for record in records}
    if versions:
        cache.set_many(versions, RECORD_VERSION_TIMEOUT)


def cached(
    topic: str,
    key: str,
    compute: Callable[[], T],
    timeout: int = DEFAULT_TIMEOUT,
    *,
    also: Iterable[str] = (),
    records: Iterable[str] = (),
) -> T:
    """The value stored under `key` for the topic's current version, computed (and stored)
    when missing. The value must pickle: model instances, lists, dicts, sets. A value read
    from the rows of several topics names the others in `also`: a change of any of them
    renews it. A value about one record (a customer's profile) names it in `records`
    (`record_name(...)`), renewed by `renew_records(...)` of that record alone.

    One round trip to the cache on a hit: the topics' versions and the entry are read
    together, and the entry carries the versions it was computed under (a stale entry is
    simply computed again). The versions are read before computing, so a change during the
    computation leaves an entry the next read renews."""
    topics = (topic, *also)
    for name in topics:
        if name not in _topics:
            raise KeyError(f"Unknown cache topic {name!r}: register_topic() it first.")
    names = (*topics, *(_record_name(record) for record in records))
    version_keys, entry_key = [_version_key(name) for name in names], f"{_PREFIX}:{topic}:{key}"
    found = cache.get_many([*version_keys, entry_key])
    version = "|".join(
        str(
            found.get(version_key)
            or topic_version(name, None if name in topics else RECORD_VERSION_TIMEOUT)
        )
        for name, version_key in zip(names, version_keys, strict=True)
    )
    entry = found.get(entry_key)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == version:
        return cast(T, entry[1])
    value = compute()
    cache.set(entry_key, (version, value), timeout)
    return value


def query_key(queryset: QuerySet[Any]) -> str | None:
    """A key naming a query itself, its SQL and parameters (the reader's scope, the filters
    and the search are in them), for a value read from it; None for a query that can match
    nothing."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    return hashlib.sha256(f"{queryset.db}|{sql}|{params!r}".encode()).hexdigest()


def register_topic(
    topic: str,
    *models_read: type[models.Model],
    m2m_through: Iterable[type[models.Model]] = (),
    form_options: bool = True,
) -> None:
    """Declare a topic and the models it is read from: their changes bump it. With
    `form_options`, the choices of form fields over these models are cached too
    (core.forms.CachedModelChoiceIterator): not for large tables (customers)."""
    _topics[topic] = tuple(models_read)
    if form_options:
        _option_topics.add(topic)

    def changed(sender: Any, **kwargs: Any) -> None:
        bump(topic)

    uid = f"core.cache:{topic}"
    for model in models_read:
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}:save:{model}")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}:delete:{model}")
    for through in m2m_through:
        m2m_changed.connect(
            changed, sender=through, weak=False, dispatch_uid=f"{uid}:m2m:{through}"
        )


def topic_of(model: type[models.Model]) -> str | None:
    """The topic whose rows of this model are form options, if any."""
    for topic, models_read in _topics.items():
        if topic in _option_topics and model in models_read:
            return topic
    return None


def bump_all(**kwargs: Any) -> None:
    """Every topic at once (after migrate: rows may have changed under the signals; the
    tests, before each test, since their rollbacks send no signal)."""
    for topic in _topics:
        _renew(topic)
