"""`{% cached_date_hierarchy cl %}`: the admin's date drill-down of a large changelist
(core.admin.LargeTableAdminMixin, `templates/admin/large_table_change_list.html`).

Django's `{% date_hierarchy cl %}` reads the first and last dates, then the distinct years,
months or days, of every row the list holds: a scan of the whole table on each visit of the
unfiltered list. Here that list's drill-down is read once and kept under the model's cache
topic (core.admin.dates_topic), renewed by every save or delete of a row; a searched,
filtered or drilled-down list is read as Django does."""

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
        return date_hierarchy(changelist if drilled else cast(Any, _MonthsReadOnce(changelist)))
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


class _MonthsReadOnce:
    """A searched or filtered changelist as Django's date_hierarchy reads it at the top
    level (no date chosen yet): Django reads the first and last dates of the list, then its
    distinct years or months, two scans of a list whose filter may be costly (a search
    through the donors' names). Here both come from one read of the distinct months; a list
    within one month still reads its days from the list, as Django does."""

    def __init__(self, changelist: Any) -> None:
        self._changelist = changelist
        self.queryset = _MonthsOfQueryset(changelist)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._changelist, name)


class _MonthsOfQueryset:
    def __init__(self, changelist: Any) -> None:
        self._queryset = changelist.queryset
        self._field = changelist.date_hierarchy
        field = get_fields_from_path(changelist.model, self._field)[-1]
        self._read = "datetimes" if isinstance(field, models.DateTimeField) else "dates"

    @cached_property
    def _months(self) -> list[Any]:
        """The first day of each month with rows, oldest first (in the reader's zone)."""
        return list(getattr(self._queryset, self._read)(self._field, "month"))

    def aggregate(self, **_bounds: Any) -> dict[str, Any]:
        """Django's first=Min(field), last=Max(field): only their years and months are
        compared, which the first and last months give."""
        months = self._months
        return {"first": months[0] if months else None, "last": months[-1] if months else None}

    def dates(self, field_name: str, kind: str) -> list[Any]:
        if kind == "month":
            return self._months
        if kind == "year":
            return list(dict.fromkeys(month.replace(month=1) for month in self._months))
        return list(getattr(self._queryset, self._read)(field_name, kind))

    datetimes = dates
