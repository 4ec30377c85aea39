"""`{% cached_date_hierarchy cl %}`: the admin's date drill-down of a large changelist
(core.admin.LargeTableAdminMixin, `templates/admin/large_table_change_list.html`).

Django's `{% date_hierarchy cl %}` reads the first and last dates, then the distinct years,
months or days, of every row the list holds: a scan of the whole table on each visit of the
unfiltered list. Here that list's drill-down is read once and kept under the model's cache
topic (core.admin.dates_topic), renewed by every save or delete of a row; a searched,
filtered or drilled-down list is read as Django does."""

from typing import Any

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.template.base import Parser, Token
from django.utils import timezone, translation

from core import cache
from core.admin import dates_topic

register = template.Library()


def cached_date_hierarchy(changelist: Any) -> dict[str, Any] | None:
    if changelist.params:
        return date_hierarchy(changelist)
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
