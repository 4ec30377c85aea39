"""One timeline of everything that happened with a customer, across all apps (the
«السجل الزمني» tab of the customer 360 page).

Each app registers its sources from its registrations module::

    @register_timeline_source("cases", gettext_lazy("Cases"), "chat-left-text",
                              permission="complaints.view_case")  # asked only for holders
    def case_entries(customer, user, limit):
        return [TimelineRows(cases_of_customer(user, customer).order_by("-received_at", "-id"),
                             at="received_at", entry=case_entry,
                             fields=("received_at", "subject", *person_fields("registered_by")))]

A source returns TimelineRows (a query of what `user` may see, newest first, each row one
entry) and, for what needs no query, ready TimelineEntry rows. The timeline reads the dates of
every source's rows in one query (a UNION ALL of each query's newest `limit` rows: the primary
key and the date only), merges them newest first, then reads only the rows of the page shown,
by primary key: those of every query that names its `fields` (what its entries read) in one
more UNION ALL, each row a JSON object of those values made into an instance; a query that
names none, one query of its own. So the page costs the same two queries whatever the number
and the kinds of entries. A source may still build its entries itself (read at
most `limit` rows, its own queries). `step_entries` turns a workflow's steps (TransitionRecord
rows) into TimelineRows. The page shows PAGE_SIZE entries; page n needs every query's
n × PAGE_SIZE newest rows, enough to fill the page whatever the mix. Customers never import the
apps that register.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, models, router
from django.db.models import F, Func, JSONField, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django_fsm import FSMFieldMixin

from .compiled import (
    Compilation,
    check,
    checking,
    compiled,
    customer_shape,
    one_instant,
    reader_scope,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from .models import Customer

PAGE_SIZE = 30
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


@dataclass(frozen=True)
class TimelineRows:
    """A query of a source's rows, one entry each: `rows` holds only what the user may see,
    ordered newest first, with what `entry` reads selected (it is read again by primary key
    for the rows shown); `at` names the row's date or datetime field the entry is dated by
    (the TimelineEntry's `when`); `prepare`, if any, is given the rows shown at once (e.g. to
    attach relations from a cache) before their entries are made; `read` holds rows of the
    same query the page read already (a panel's, customers.profile.remembered_rows): those
    shown are not read again."""

    rows: "models.QuerySet[Any] | Callable[[], models.QuerySet[Any]]"
    at: str
    entry: Callable[[Any], TimelineEntry]
    prepare: Callable[[list[Any]], object] | None = None
    read: Sequence[Any] = ()
    # The values `entry` (and `prepare`) read, as field paths ("note", "case__kind"; not an
    # annotation: the rows shown are read again from their table by primary key): with
    # them, the rows shown are read together with every other such query's in one UNION
    # ALL, as instances holding only these values (any other field is deferred: reading it
    # costs a query, which the query-budget tests catch).
    fields: tuple[str, ...] = ()
    # The model of the rows, when `rows` is a function making the query: the dates' query
    # being compiled once per reader and shape of customer (customers.compiled), the
    # queryset is then built only when compiled, or when the page reads rows without
    # `fields`.
    model: type[models.Model] | None = None

    def __post_init__(self) -> None:
        if callable(self.rows) and self.model is None:
            raise TypeError("TimelineRows: rows given as a function need their model.")

    @cached_property
    def queryset(self) -> "models.QuerySet[Any]":
        return self.rows() if callable(self.rows) else self.rows

    @property
    def model_read(self) -> type[models.Model]:
        return self.model or self.queryset.model

    @property
    def db(self) -> str:
        """The database read (the router's, until the queryset is built)."""
        if callable(self.rows) and "queryset" not in self.__dict__:
            return router.db_for_read(self.model_read)
        return self.queryset.db


TimelineSource = Callable[["Customer", "User", int], Iterable[TimelineEntry | TimelineRows]]


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
    chosen = [
        source
        for source in _sources
        if source.kind.key in keys and (not kind or source.kind.key == kind)
    ]
    with one_instant():
        items = _items_of(chosen, customer, user, limit)
        queries = [item for item in items if isinstance(item, TimelineRows)]
        dates = iter(_newest_dates(queries, limit, customer, user, chosen))
    # Every entry to come, in the sources' order: a ready entry, or a query's row by its key.
    candidates: list[tuple[datetime, TimelineEntry | tuple[TimelineRows, Any]]] = []
    for item in items:
        if isinstance(item, TimelineRows):
            candidates.extend((when, (item, pk)) for pk, when in next(dates))
        else:
            candidates.append((item.sort_key, item))
    # A stable sort: equal times keep the sources' order.
    candidates.sort(key=lambda candidate: candidate[0], reverse=True)
    start = (number - 1) * PAGE_SIZE
    return TimelinePage(
        entries=_entries_shown([item for _when, item in candidates[start : start + PAGE_SIZE]]),
        number=number,
        has_older=len(candidates) > start + PAGE_SIZE and number < MAX_PAGE,
        kind=kind,
        kinds=kinds,
    )


def _items_of(
    chosen: list[_Source], customer: "Customer", user: "User", limit: int
) -> list[TimelineEntry | TimelineRows]:
    items: list[TimelineEntry | TimelineRows] = []
    for source in chosen:
        items.extend(source.entries(customer, user, limit))
    return items


def _newest_dates(
    queries: list[TimelineRows],
    limit: int,
    customer: "Customer | None" = None,
    user: "User | None" = None,
    chosen: Sequence[_Source] = (),
) -> list[list[tuple[Any, datetime]]]:
    """Each query's newest `limit` rows as (primary key, sort time), in its order: one UNION
    ALL (_dates_sql), compiled once per reader, shape of customer, sources and page
    (customers.compiled) when the customer and the reader are given."""
    found: list[list[tuple[Any, datetime]]] = [[] for _query in queries]
    if not queries:
        return found
    kept = None
    if customer is not None and user is not None:
        key = (
            "timeline",
            customer._state.db,
            tuple(source.entries for source in chosen),
            reader_scope(user),
            customer_shape(customer),
            limit,
        )

        def build(probe: "Customer") -> Compilation:
            probed = _items_of(list(chosen), probe, user, limit)
            return _dates_sql([item for item in probed if isinstance(item, TimelineRows)], limit)

        kept = compiled(key, customer, build)
    usable = kept is not None and kept.signature == _signature(queries)
    fresh = _dates_sql(queries, limit) if not usable or checking() else None
    db = queries[0].db
    if kept is not None and usable and customer is not None:
        sql, params = kept.sql, kept.bind(customer.pk, db)
        if checking():
            check((sql, params), fresh, "timeline dates")
    else:
        assert fresh is not None
        sql, params = fresh[0], list(fresh[1])
    if not sql:
        return found
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for index, _place, pk, at, day in sorted(rows, key=lambda row: (row[0], row[1])):
        found[index].append((pk, _sort_time(at, day)))
    return found


def _signature(queries: list[TimelineRows]) -> tuple[tuple[Any, str], ...]:
    return tuple((query.model_read, query.at) for query in queries)


def _dates_sql(queries: list[TimelineRows], limit: int) -> Compilation:
    """The SQL and parameters of each query's newest `limit` rows (index of the query, place
    in its order, primary key, datetime, day): one UNION ALL of each query's LIMITed read of
    the key, the date and the row's place in the query's order (a UNION promises no order),
    written as derived tables (SQLite refuses a LIMIT directly inside a UNION). A date and a
    datetime go in two columns: a UNION would turn a day into a time at the database's
    midnight, not the association's. No SQL when the user may see nothing."""
    if not queries:
        return "", [], ()
    connection = connections[queries[0].db]
    # Typed NULLs: PostgreSQL reads a bare NULL in a UNION as text.
    no_time = f"CAST(NULL AS {models.DateTimeField().db_type(connection)})"
    no_day = f"CAST(NULL AS {models.DateField().db_type(connection)})"
    parts: list[str] = []
    params: list[Any] = []
    for index, query in enumerate(queries):
        # Built on one copy of the query (QuerySet.annotate, values_list and the slice
        # would copy it three times).
        rows = query.queryset
        read = rows.query.chain()
        read.add_annotation(F("pk"), "timeline_pk")
        read.add_annotation(F(query.at), "timeline_at")
        read.add_annotation(Window(RowNumber(), order_by=_ordering(rows)), "timeline_place")
        read.set_values(["timeline_pk", "timeline_at", "timeline_place"])
        read.set_limits(high=limit)
        try:
            sql, part_params = read.sql_with_params()
        except EmptyResultSet:  # nothing the user may see
            continue
        is_day = not isinstance(rows.model._meta.get_field(query.at), models.DateTimeField)
        dates = f"{no_time}, part.timeline_at" if is_day else f"part.timeline_at, {no_day}"
        parts.append(
            f"SELECT {index}, part.timeline_place, part.timeline_pk, {dates} FROM ({sql}) AS part"
        )
        params.extend(part_params)
    return " UNION ALL ".join(parts), params, _signature(queries)


def _ordering(rows: "models.QuerySet[Any]") -> list[Any]:
    """The query's order as expressions (its own, else its model's)."""
    names = rows.query.order_by or (
        rows.model._meta.ordering if rows.query.default_ordering else []
    )
    return [
        (F(name[1:]).desc() if name.startswith("-") else F(name).asc())
        if isinstance(name, str)
        else name
        for name in names
    ]


def _sort_time(at: Any, day: Any) -> datetime:
    """A row's sort time from the raw column (SQLite answers text, in UTC for a datetime)."""
    if at is not None:
        if isinstance(at, str):
            at = parse_datetime(at)
        return at if timezone.is_aware(at) else timezone.make_aware(at, UTC)
    if isinstance(day, str):
        day = parse_date(day)
    return timezone.make_aware(datetime.combine(day, time.min))


def _entries_shown(shown: list[TimelineEntry | tuple[TimelineRows, Any]]) -> list[TimelineEntry]:
    """The entries of the page: each query's rows shown read by primary key (none when the
    page read them all already): those of the queries that name their `fields` in one UNION
    ALL together, each other query in one query of its own."""
    keys: dict[int, list[Any]] = {}
    queries: dict[int, TimelineRows] = {}
    for item in shown:
        if isinstance(item, tuple):
            query, pk = item
            queries[id(query)] = query
            keys.setdefault(id(query), []).append(pk)
    found: dict[int, list[Any]] = {}
    flat: list[tuple[int, TimelineRows, list[Any]]] = []
    for number, pks in keys.items():
        query = queries[number]
        read = {row.pk: row for row in query.read}
        found[number] = [read[pk] for pk in pks if pk in read]
        missing = [pk for pk in pks if pk not in read]
        if missing and query.fields:
            flat.append((number, query, missing))
        elif missing:
            found[number] += query.queryset.order_by().filter(pk__in=missing)
    for number, rows in _read_flat(flat).items():
        found[number] += rows
    entries: dict[tuple[int, Any], TimelineEntry] = {}
    for number, rows in found.items():
        query = queries[number]
        if query.prepare is not None:
            query.prepare(rows)
        entries.update(((number, row.pk), query.entry(row)) for row in rows)
    return [entries[(id(item[0]), item[1])] if isinstance(item, tuple) else item for item in shown]


def _read_flat(batch: list[tuple[int, TimelineRows, list[Any]]]) -> dict[int, list[Any]]:
    """{number: rows} of each (number, query, primary keys). The keys came from the query, so
    its rows are read from their table by key alone: a SQL that depends only on the model, the
    fields and the number of keys, compiled once per process."""
    if not batch:
        return {}
    db = batch[0][1].db
    reads: list[tuple[type[models.Model], str, list[Any]]] = []
    for _number, query, pks in batch:
        model = query.model_read
        keys = list(dict.fromkeys(pks))
        paths = _with_keys(model, tuple(query.fields))
        reads.append((model, _rows_sql(db, model, paths, len(keys)), keys))
    found = _union_read(db, reads)
    return {number: rows for (number, _query, _pks), rows in zip(batch, found, strict=True)}


def read_together(parts: Sequence[tuple["models.QuerySet[Any]", Sequence[str]]]) -> list[list[Any]]:
    """The rows of each queryset, in one UNION ALL of (part, key, a JSON object of the
    fields named, paths as `TimelineRows.fields`), made into instances of the queryset's
    model holding those values (relations followed, any other field deferred). Each part's
    rows in no order: sort them."""
    if not parts:
        return []
    return _union_read(parts[0][0].db, _part_reads(parts))


def read_together_by_key(
    name: str,
    parts: Callable[[Any], Sequence[tuple["models.QuerySet[Any]", Sequence[str]]]],
    key: Any,
    *,
    using: str,
) -> list[list[Any]]:
    """read_together(parts(key)) for parts whose only parameter is `key` (one record's
    history: each part filtered on its primary key), read from the database `using`. Their
    SQL is compiled once per process for each `name` and database: compiling the parts costs
    more than reading them. The parts are compiled for two keys, which must differ only in
    those parameters (a part not read by the key is refused too)."""
    if (using, name) not in _KEYED_SQL:
        _KEYED_SQL[(using, name)] = _keyed_reads(parts)
    return _union_read(
        using, [(model, sql, [key] * count) for model, sql, count in _KEYED_SQL[(using, name)]]
    )


# {(database, name): [(model, SQL, number of parameters)]} of read_together_by_key's parts.
_KEYED_SQL: dict[tuple[str, str], list[tuple[type[models.Model], str, int]]] = {}


def _keyed_reads(
    parts: Callable[[Any], Sequence[tuple["models.QuerySet[Any]", Sequence[str]]]],
) -> list[tuple[type[models.Model], str, int]]:
    compiled = []
    for (model, sql, params), (_model, other_sql, other_params) in zip(
        _part_reads(parts(1)), _part_reads(parts(2)), strict=True
    ):
        if sql != other_sql or not params or set(params) - {1} or set(other_params) - {2}:
            raise ValueError(f"Reading {model.__name__}: not by the key alone.")
        compiled.append((model, sql, len(params)))
    return compiled


def _part_reads(
    parts: Sequence[tuple["models.QuerySet[Any]", Sequence[str]]],
) -> list[tuple[type[models.Model], str, list[Any]]]:
    """(model, SQL of (key, JSON row), parameters) of each part."""
    reads: list[tuple[type[models.Model], str, list[Any]]] = []
    for queryset, fields in parts:
        read = queryset.annotate(
            timeline_pk=F("pk"), timeline_row=_JsonRow(_with_keys(queryset.model, tuple(fields)))
        ).values_list("timeline_pk", "timeline_row")
        sql, params = read.query.sql_with_params()
        reads.append((queryset.model, sql, list(params)))
    return reads


def _union_read(
    db: str, reads: Sequence[tuple[type[models.Model], str, list[Any]]]
) -> list[list[Any]]:
    """One UNION ALL of each (model, SQL of (key, JSON row), parameters): the rows of each as
    instances of its model."""
    connection = connections[db]
    sql = " UNION ALL ".join(
        f"SELECT {index}, part.timeline_pk, part.timeline_row FROM ({part_sql}) AS part"
        for index, (_model, part_sql, _params) in enumerate(reads)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [param for _model, _sql, params in reads for param in params])
        rows = cursor.fetchall()
    found: list[list[Any]] = [[] for _read in reads]
    for index, pk, values in rows:
        if isinstance(values, str | bytes):
            values = json.loads(values, parse_float=Decimal)
        model = reads[index][0]
        values[model._meta.pk.attname] = pk
        found[index].append(_instance(model, values, connection.alias))
    return found


# {(database, model, paths, number of keys): the SQL reading those rows}: a few per source.
_ROWS_SQL: dict[tuple[str, type[models.Model], tuple[str, ...], int], str] = {}


def _rows_sql(db: str, model: type[models.Model], paths: tuple[str, ...], count: int) -> str:
    """The SQL of (key, JSON object of `paths`) of `count` rows of `model` by key, its
    parameters the keys."""
    cache_key = (db, model, paths, count)
    if cache_key not in _ROWS_SQL:
        placeholders = list(range(1, count + 1))  # only their number shapes the SQL
        read = (
            model._base_manager.using(db)
            .order_by()
            .filter(pk__in=placeholders)
            .annotate(timeline_pk=F("pk"), timeline_row=_JsonRow(paths))
            .values_list("timeline_pk", "timeline_row")
        )
        sql, params = read.query.sql_with_params()
        if list(params) != placeholders:  # the keys must be its only parameters
            raise ValueError(f"Unexpected parameters reading {model.__name__}: {params!r}")
        _ROWS_SQL[cache_key] = sql
    return _ROWS_SQL[cache_key]


class _JsonRow(Func):
    """A JSON object of the values of `paths` (field paths), each under its path. The keys
    are written into the SQL, where JSONObject passes each as a cast parameter: a dearer
    compilation, and a SQL that would depend on more than the model and the paths."""

    output_field = JSONField()

    def __init__(self, paths: Sequence[str]) -> None:
        for path in paths:
            if not path.isidentifier():
                raise ValueError(f"Not a field path: {path!r}")
        super().__init__(*(F(path) for path in paths))
        self.paths = tuple(paths)

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        function = "JSONB_BUILD_OBJECT" if connection.vendor == "postgresql" else "JSON_OBJECT"
        pairs: list[str] = []
        params: list[Any] = []
        for path, expression in zip(self.paths, self.get_source_expressions(), strict=True):
            sql, part_params = compiler.compile(expression)
            pairs.append(f"'{path}', {sql}")
            params.extend(part_params)
        return f"{function}({', '.join(pairs)})", params


# {(model, fields): their paths with keys}: a few per source, asked again by every page.
_PATHS: dict[tuple[type[models.Model], tuple[str, ...]], tuple[str, ...]] = {}


def _with_keys(model: type[models.Model], fields: tuple[str, ...]) -> tuple[str, ...]:
    """The paths, with the key of each relation followed ("case__kind" adds "case_id") and
    the state fields of each model met (a django-fsm instance reads them when made)."""
    if (model, fields) in _PATHS:
        return _PATHS[(model, fields)]
    paths = dict.fromkeys(fields)
    for path in [*fields, "pk"]:
        names = path.split("__")
        current = model
        for depth, name in enumerate(names):
            paths.update(
                ("__".join([*names[:depth], field.name]), None)
                for field in current._meta.concrete_fields
                if isinstance(field, FSMFieldMixin)
            )
            if depth == len(names) - 1:
                break
            field = current._meta.get_field(name)
            paths.setdefault("__".join([*names[:depth], field.attname]))  # type: ignore[union-attr]
            current = field.related_model  # type: ignore[assignment]
    _PATHS[(model, fields)] = tuple(paths)
    return _PATHS[(model, fields)]


def _instance(model: type[models.Model], values: dict[str, Any], db: str) -> models.Model:
    """An instance of `model` from {path: JSON value}: fields converted, other fields
    deferred, related instances cached (None when the key is)."""
    direct: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {}
    for path, value in values.items():
        name, _sep, rest = path.partition("__")
        if rest:
            nested.setdefault(name, {})[rest] = value
            continue
        field = model._meta.get_field(name)
        direct[field.attname] = _python(field, value, db)  # type: ignore[union-attr]
    concrete = [field.attname for field in model._meta.concrete_fields if field.attname in direct]
    instance = model.from_db(db, concrete, [direct[name] for name in concrete])
    for name, related_values in nested.items():
        field = model._meta.get_field(name)
        key = direct.get(field.attname)  # type: ignore[union-attr]
        related = None
        if key is not None:
            related_model = field.related_model
            related_values[related_model._meta.pk.attname] = key  # type: ignore[union-attr]
            related = _instance(related_model, related_values, db)  # type: ignore[arg-type]
        field.set_cached_value(instance, related)  # type: ignore[union-attr]
    return instance


def _python(field: Any, value: Any, db: str) -> Any:
    """A field's value from its JSON form (a datetime without offset is in UTC: SQLite; a
    JSONField's column is its JSON text there, a nested JSON value on PostgreSQL)."""
    if value is None:
        return None
    if isinstance(field, JSONField) and isinstance(value, str) and _is_sqlite(db):
        return json.loads(value)
    value = field.to_python(value)
    if isinstance(value, datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _is_sqlite(db: str) -> bool:
    return connections[db].vendor == "sqlite"


# What a step's entry reads of it.
STEP_FIELDS = (
    "at",
    "note",
    "source",
    "target",
    "actor__first_name",
    "actor__last_name",
    "actor__username",
)


def step_entries(
    steps: "models.QuerySet[Any] | Callable[[], models.QuerySet[Any]]",
    *,
    kind: str,
    icon: str,
    title: Callable[[Any], str],
    url: Callable[[Any], str | None],
    fields: Sequence[str] = (),
    model: type[models.Model] | None = None,
) -> TimelineRows:
    """The entries of a workflow's steps (a query of core.models.TransitionRecord rows, their
    actor selected), newest first: when, who and the note; `title(step)` and `url(step)` give
    the rest, reading only the step's own columns and `fields` (paths such as
    "case__tracking_number"): the steps shown of every workflow are read in one query.
    `steps` may be a function making the query, with its `model` (TimelineRows)."""
    return TimelineRows(
        (lambda: steps().order_by("-at", "-id"))
        if callable(steps)
        else steps.order_by("-at", "-id"),
        model=model,
        at="at",
        fields=(*STEP_FIELDS, *fields),
        entry=lambda step: TimelineEntry(
            when=step.at,
            kind=kind,
            icon=icon,
            title=title(step),
            detail=step.note,
            url=url(step),
            actor=person_name(step.actor),
        ),
    )


def person_fields(relation: str) -> tuple[str, ...]:
    """The paths `person_name` reads of the user `relation` names (for TimelineRows.fields)."""
    return tuple(f"{relation}__{name}" for name in ("first_name", "last_name", "username"))


def person_name(user: "User | None") -> str:
    """How a staff member is named in the timeline."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
