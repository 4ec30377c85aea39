"""`{% cached_date_hierarchy cl %}`: the admin's date drill-down of a large changelist
(core.admin.LargeTableAdminMixin, `templates/admin/large_table_change_list.html`).

Django's `{% date_hierarchy cl %}` reads the first and last dates, then the distinct years,
months or days, of every row the list holds: a scan of the whole table on each visit of the
unfiltered list. Here that list's drill-down is read once and kept under the model's cache
topic (core.admin.dates_topic), renewed by every save or delete of a row; a searched or
filtered list reads its days once (_DaysReadOnce), kept under the admin's `search_topics`
when it is searched and names them; a drilled-down list is read as Django does."""

from typing import Any, cast

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.contrib.admin.utils import get_fields_from_path
from django.db import models
from django.template.base import Parser, Token
from django.utils import timezone, translation
from django.utils.functional import cached_property

from core import cache
from core.admin import dates_topic

register = template.Library()


def cached_date_hierarchy(changelist: Any) -> dict[str, Any] | None:
    if changelist.params:
        chosen = f"{changelist.date_hierarchy}__"
        drilled = any(name.startswith(chosen) for name in changelist.params)
        # Django's tag reads only attributes of the changelist, which the wrapper passes on.
        return date_hierarchy(changelist if drilled else cast(Any, _DaysReadOnce(changelist)))
    # The titles are dates written in the reader's language, the datetimes in their zone.
    key = ":".join(
        (
            changelist.date_hierarchy,
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
        )
    )
    return cache.cached(dates_topic(changelist.model), key, lambda: date_hierarchy(changelist))


@register.tag(name="cached_date_hierarchy")
def cached_date_hierarchy_tag(parser: Parser, token: Token) -> InclusionAdminNode:
    return InclusionAdminNode(
        parser,
        token,
        func=cached_date_hierarchy,
        template_name="date_hierarchy.html",
        takes_context=False,
    )


class _DaysReadOnce:
    """A searched or filtered changelist as Django's date_hierarchy reads it at the top
    level (no date chosen yet): Django reads the first and last dates of the list, then its
    distinct years or months, and, for a list within one month, its days: up to three scans
    of a list whose filter may be costly (a search through the donors' names, the
    opportunities' titles). Here all of them come from one read of the distinct days."""

    def __init__(self, changelist: Any) -> None:
        self._changelist = changelist
        self.queryset = _DaysOfQueryset(changelist)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._changelist, name)


class _DaysOfQueryset:
    def __init__(self, changelist: Any) -> None:
        self._queryset = changelist.queryset
        self._field = changelist.date_hierarchy
        field = get_fields_from_path(changelist.model, self._field)[-1]
        self._read = "datetimes" if isinstance(field, models.DateTimeField) else "dates"
        # A searched list of an admin that names the topics of what its search reads keeps
        # its days as it keeps its count (core.admin.LargeTableAdminMixin.search_topics).
        self._topics: tuple[str, ...] = (
            changelist.model_admin.search_topics if changelist.query.strip() else ()
        )

    @cached_property
    def _days(self) -> list[Any]:
        """Each day with rows, oldest first (in the reader's zone): a few hundred a year."""
        days = getattr(self._queryset, self._read)(self._field, "day")
        if not self._topics:
            return list(days)
        # The key is the query's SQL: the search, the filters and the reader's zone.
        key = cache.query_key(days)
        if key is None:
            return []
        first, *others = self._topics
        return cache.cached(first, f"days:{key}", lambda: list(days), also=others)

    @cached_property
    def _months(self) -> list[Any]:
        """The first day of each month with rows, oldest first: the midnight the database
        truncates a month to, in the same zone as the days."""
        return list(dict.fromkeys(day.replace(day=1) for day in self._days))

    def aggregate(self, **_bounds: Any) -> dict[str, Any]:
        """Django's first=Min(field), last=Max(field): only their years and months are
        compared, which the first and last days give."""
        days = self._days
        return {"first": days[0] if days else None, "last": days[-1] if days else None}

    def dates(self, field_name: str, kind: str) -> list[Any]:
        # At the top level Django asks only for the whole list's days, months or years.
        if kind == "day":
            return self._days
        if kind == "month":
            return self._months
        return list(dict.fromkeys(month.replace(month=1) for month in self._months))

    datetimes = dates
