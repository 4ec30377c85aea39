"""Pages of the staff lists at volume (300,000 cases and customers, 200,000 donations).

Django's Paginator runs an exact COUNT(*) of the whole filtered list on every page view: at
that size the count costs more than the page. `CappedPaginator` counts at most `cap` rows
(10,000 unless told otherwise) through a LIMITed subquery,
``SELECT COUNT(*) FROM (SELECT id … LIMIT 10001)``, so the count stops growing with the
data, and says when there are more (`capped`). The pages reach the first `cap` rows (400
pages of 25); the filters and the search reach the others. `templates/includes/
pagination.html` reads «أكثر من 10,000 نتيجة» under the pages when the count was capped.

Every staff list of the project pages with it (a test holds the apps' views to it); the
admin changelists of the large models use it too (core.admin.LargeTableAdminMixin)."""

from collections.abc import Sequence
from typing import Any, cast

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

from core import cache

# A list counts at most this many rows: past it, the page says "more than 10,000".
COUNT_CAP = 10_000


def capped_count(object_list: QuerySet[Any] | Sequence[Any], cap: int) -> tuple[int, bool]:
    """(rows counted, whether there are more than `cap`): a queryset is counted through a
    LIMITed subquery, unordered, so the database stops after `cap` + 1 rows."""
    if not isinstance(object_list, QuerySet):
        # Already in memory (groups, weeks): counting it costs nothing and hides nothing.
        return len(object_list), False
    if object_list.query.combinator:
        limited = object_list[: cap + 1]
    else:
        limited = object_list.order_by().values("pk")[: cap + 1]
    found = limited.count()
    return (cap, True) if found > cap else (found, False)


def kept_count(queryset: QuerySet[Any], cap: int, topics: Sequence[str]) -> int:
    """The rows of `queryset` counted up to `cap` + 1 (more than `cap` reads «more than …»),
    kept in the cache (core.cache) until a change of `topics`, those of every table the
    query reads, keyed by the query's SQL: for a count whose filter costs more than the page
    (a search through the donors' names, 10,001 rows checked against a name each time). A
    query that reads the clock (a cutoff computed now) would never be found again: count
    those with CappedPaginator."""
    key = cache.query_key(queryset.order_by().values("pk"))
    if key is None:
        return 0

    def count() -> int:
        found, more = capped_count(queryset, cap)
        return found + 1 if more else found

    first, *others = topics
    return cache.cached(first, f"count:{cap}:{key}", count, also=others)


def capped_count_of_parts(parts: Sequence[QuerySet[Any]], cap: int) -> tuple[int, bool]:
    """capped_count of the union of `parts`, querysets with no row in common, in one query.
    An OR of conditions that two indexes answer (a department's queue, or what its people
    registered) is read by PostgreSQL through the whole of one index, whatever the LIMIT;
    each part alone reads only its own rows, and stops at the cap. A part is counted only
    while the parts before it stayed under the cap: its count is a scalar subquery in the
    ELSE of a CASE, which PostgreSQL (an InitPlan) and SQLite evaluate only when reached."""
    counts: list[tuple[str, tuple[Any, ...]]] = []
    for part in parts:
        limited = part.order_by().values("pk")[: cap + 1]
        try:
            sql, params = limited.query.get_compiler(using=limited.db).as_sql()
        except EmptyResultSet:  # a part that holds nothing (`pk__in=[]`)
            continue
        counts.append((f"SELECT COUNT(*) FROM ({sql}) part", tuple(params)))
    if not counts:
        return 0, False
    first_sql, first_params = counts[0]
    steps, params = [f"total_0 (n) AS ({first_sql})"], list(first_params)
    for index, (count_sql, count_params) in enumerate(counts[1:], start=1):
        steps.append(
            f"total_{index} (n) AS (SELECT n + CASE WHEN n > %s THEN 0 ELSE ({count_sql}) END "
            f"FROM total_{index - 1})"
        )
        params += [cap, *count_params]
    sql = f"WITH {', '.join(steps)} SELECT n FROM total_{len(counts) - 1}"
    with connections[parts[0].db].cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()[0]
    return (cap, True) if found > cap else (found, False)


class CappedPaginator(Paginator):
    """A Paginator whose count stops at `cap` (see the module's text). `capped` is true when
    more rows matched than were counted; `cap` is the number shown («أكثر من 10,000»).

    `ids_first=True` reads a page's ids, then those rows with their related records, so a
    deep page does not join every row it skips (the complaints register, whose rows join
    four tables). `known_count` is a count a page computed anyway (the donations' totals):
    no second count is run, and it is capped the same way. `count_parts` are querysets with
    no row in common whose union is the list, counted one after the other in one query
    (capped_count_of_parts): the complaints register's department, whose OR of two
    conditions would make the database read the whole index of routes."""

    def __init__(
        self,
        object_list: Any,
        per_page: int | str,
        *args: Any,
        cap: int | None = None,
        ids_first: bool = False,
        known_count: int | None = None,
        count_parts: Sequence[QuerySet[Any]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(object_list, per_page, *args, **kwargs)
        self.cap = cap or COUNT_CAP
        self.ids_first = ids_first
        self.known_count = known_count
        self.count_parts = count_parts
        self.capped = False

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            found, self.capped = min(self.known_count, self.cap), self.known_count > self.cap
        elif self.count_parts:
            found, self.capped = capped_count_of_parts(self.count_parts, self.cap)
        else:
            # The stubs type object_list as a protocol: here a queryset or a sequence.
            found, self.capped = capped_count(cast(Any, self.object_list), self.cap)
        return found

    def page(self, number: int | str) -> Page:
        valid = self.validate_number(number)
        if self.count == 0:
            # Nothing to show: no rows to read (a queryset sliced to nothing still builds its
            # SQL, joins and all, before it finds there is nothing to run).
            return Page([], valid, self)
        if not (self.ids_first and isinstance(self.object_list, QuerySet)):
            return super().page(number)
        bottom = (valid - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return Page(self._rows(ids), valid, self)

    def _rows(self, ids: list[Any]) -> list[Any]:
        by_pk = cast(QuerySet[Any], self.object_list).order_by().in_bulk(ids)
        return [by_pk[pk] for pk in ids if pk in by_pk]
