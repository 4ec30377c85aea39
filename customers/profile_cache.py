"""The customer 360's body, kept per customer and reader until something about the customer
changes.

The profile reads a dozen sources from every app (badges, panels, the timeline); most views of
a customer show what the previous view showed. The rendered body is kept (`core.cache`) under
the customer's own version, which any save or delete of a row pointing to the customer renews:
a row with a foreign key to the customer (a case, a donation, a consent), or one step away (a
case's step, through its case), found from the models' fields, so an app added later is covered
without registering anything. What is renewed at once, not on a timer: the customer, its rows
and their steps, the places' names (topic `places`), the reader's permissions, roles and
centres (part of the key), the language and the day. What waits up to `PROFILE_SECONDS`: a
write that skips the signals (`update()`, `bulk_create`) and a rename of something the profile
names (a programme, a category, a staff member's name). A write of many rows that skips the
signals calls `renew_customers(ids)`, or `renew_all()` when it does not know them.

The whole test suite runs with the cache on; `CUSTOMER_PROFILE_CACHE = False` turns it off
(the query-budget tests of the profile measure the page as it is built).
"""

import hashlib
import threading
from collections.abc import Callable, Iterable
from functools import cache as memoize
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation

from core.cache import bump, cached, record_name, register_topic, renew_records

from .compiled import reader_scope
from .models import Customer

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PROFILE_TOPIC = "customer_profiles"  # every profile at once (tests, bulk writes)
PROFILE_SECONDS = 120
_CUSTOMER_LABEL = "customers.customer"

register_topic(PROFILE_TOPIC, form_options=False)


def profile_body(customer: Customer, user: "User", variant: str, render: Callable[[], str]) -> str:
    """The body rendered by `render()`, or as it was last rendered for this customer, reader,
    language, day and `variant` (the timeline's page and kind) if nothing changed since."""
    if not getattr(settings, "CUSTOMER_PROFILE_CACHE", True):
        return render()
    reader = hashlib.sha256(repr(_reader_key(user)).encode()).hexdigest()[:32]
    shown = hashlib.sha256(variant.encode()).hexdigest()[:16]
    key = (
        f"{customer.pk}:{reader}:{translation.get_language()}:"
        f"{timezone.localdate().isoformat()}:{shown}"
    )
    return cached(
        PROFILE_TOPIC,
        key,
        render,
        timeout=PROFILE_SECONDS,
        also=("places",),
        records=[record_name(_CUSTOMER_LABEL, customer.pk)],
    )


def _reader_key(user: "User") -> tuple[Any, ...]:
    """reader_scope() with its permissions in order: the same key in every process."""
    pk, active, superuser, permissions, roles, centres = cast(tuple[Any, ...], reader_scope(user))
    return (pk, active, superuser, tuple(sorted(permissions)), roles, centres)


def renew_customers(pks: Iterable[int | None]) -> None:
    """Forget the kept profiles of these customers."""
    renew_records(record_name(_CUSTOMER_LABEL, pk) for pk in set(pks) if pk is not None)


def renew_all() -> None:
    bump(PROFILE_TOPIC)


def renew_for_rows(rows: Iterable[models.Model]) -> None:
    """After a write that sends no signal (`bulk_create`, `update()` of these rows): the
    profiles of their customers, now and when the transaction commits."""
    ids: set[int] = set()
    for row in rows:
        ids |= customers_of(row)
    if ids:
        _renew_now_and_on_commit(ids)


# --- which customers a row is about ----------------------------------------------------------


def _links(model: type[models.Model]) -> list[Any]:
    return [
        field
        for field in model._meta.get_fields()
        # Forward links only (a reverse relation is auto-created).
        if field.is_relation and not field.auto_created and isinstance(field.related_model, type)
    ]


@memoize
def _direct(model: type[models.Model]) -> tuple[str, ...]:
    """The columns of the model holding a customer's id."""
    return tuple(
        field.attname
        for field in _links(model)
        if (field.many_to_one or field.one_to_one) and field.related_model is Customer
    )


@memoize
def _many(model: type[models.Model]) -> tuple[str, ...]:
    """Its many-to-many fields to customers (a proposal's donors)."""
    return tuple(
        field.name
        for field in _links(model)
        if field.many_to_many and field.related_model is Customer
    )


def _holds_customers(model: type[models.Model]) -> bool:
    return bool(_direct(model) or _many(model))


@memoize
def _one_step(model: type[models.Model]) -> tuple[tuple[str, str, type[models.Model]], ...]:
    """(field name, column, parent model) of each foreign key to a model holding customers."""
    return tuple(
        (field.name, field.attname, field.related_model)
        for field in _links(model)
        if (field.many_to_one or field.one_to_one)
        and field.related_model is not Customer
        and _holds_customers(field.related_model)
    )


def _own_customers(instance: models.Model) -> set[int | None]:
    model = type(instance)
    found: set[int | None] = {getattr(instance, column) for column in _direct(model)}
    if instance.pk is not None:
        for name in _many(model):
            found.update(getattr(instance, name).values_list("pk", flat=True))
    return found


def customers_of(instance: models.Model) -> set[int]:
    """The customers whose profile may show this row: its own customer columns, and those of
    the row it belongs to (read from the instance when loaded, else one query)."""
    model = type(instance)
    if model is Customer:
        return {instance.pk}
    found: set[int | None] = _own_customers(instance)
    for name, column, parent in _one_step(model):
        parent_pk = getattr(instance, column)
        if parent_pk is None:
            continue
        loaded = instance._state.fields_cache.get(name)
        if loaded is None:
            loaded = parent._default_manager.filter(pk=parent_pk).only(*_direct(parent)).first()
        if loaded is not None:
            found.update(_own_customers(loaded))
    return {pk for pk in found if pk is not None}


# --- renewing on every write -----------------------------------------------------------------

_pending = threading.local()


def _flush() -> None:
    ids, _pending.ids = getattr(_pending, "ids", None), None
    if ids:
        renew_customers(ids)


def _renew_now_and_on_commit(ids: set[int]) -> None:
    """Renewed now (a read later in the same transaction) and again once when the transaction
    commits (a read by another process between the write and the commit kept the old rows)."""
    renew_customers(ids)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    pending = getattr(_pending, "ids", None)
    if pending is None or not any(func is _flush for _sids, func, _r in connection.run_on_commit):
        pending = _pending.ids = set()
        transaction.on_commit(_flush)
    pending.update(ids)


@memoize
def _watched(model: type[models.Model]) -> bool:
    meta = model._meta
    return (
        meta.app_label in settings.PROJECT_APPS
        and not hasattr(model, "instance_type")  # django-simple-history's history rows
        and (model is Customer or _holds_customers(model) or bool(_one_step(model)))
    )


def _changed(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw") or not _watched(sender):
        return
    ids = customers_of(instance)
    if ids:
        _renew_now_and_on_commit(ids)


def _relation_changed(
    sender: Any, instance: models.Model, action: str, model: Any, pk_set: Any, **kwargs: Any
) -> None:
    """A many-to-many change: the customers added or removed (a proposal's donors), the
    customer itself (from its side), or the customers of the row whose relation changed."""
    if action == "pre_clear" and model is Customer:
        ids = customers_of(instance)  # who is about to be removed
    elif not action.startswith("post_"):
        return
    elif model is Customer and pk_set:
        ids = set(pk_set)
    elif isinstance(instance, Customer):
        ids = {instance.pk}
    elif _watched(type(instance)):
        ids = customers_of(instance)
    else:
        return
    if ids:
        _renew_now_and_on_commit(ids)


uid = "customers.profile_cache"
post_save.connect(_changed, weak=False, dispatch_uid=f"{uid}:save")
post_delete.connect(_changed, weak=False, dispatch_uid=f"{uid}:delete")
m2m_changed.connect(_relation_changed, weak=False, dispatch_uid=f"{uid}:m2m")
