"""{% load opportunity_tags %}: an opportunity's state badge (`{% state_badge state label %}`),
an amount in SAR (`{{ amount|sar_amount }}`) and the cells of a row of the list
(`{% opportunity_cells opportunity %}`), written in Python: the list shows 25 rows, where an
included template per value cost more than the rest of the page."""

import functools
from html import escape

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from core.numbers import format_amount
from core.templatetags.dates import compact_date
from opportunities.models import OpportunityState
from opportunities.selectors import ListRow

register = template.Library()

_BADGE_CLASSES = {
    "identification": "text-bg-secondary",
    "follow_up": "text-bg-info",
    "closing": "text-bg-warning",
    "successful": "text-bg-success",
}


@register.simple_tag
def state_badge(state: str, label: str) -> SafeString:
    return format_html(
        '<span class="badge {}" data-testid="state">{}</span>',
        _BADGE_CLASSES.get(state, "text-bg-dark"),
        label,
    )


@register.filter
def sar_amount(amount: object) -> SafeString:
    """A Decimal in SAR with Western digits and grouping, like every amount of the site."""
    return format_html('<span class="ltr-value text-nowrap">{}</span>', format_amount(amount))


@functools.lru_cache(maxsize=16)
def _state_labels(language: str | None) -> dict[str, str]:
    return {value: str(label) for value, label in OpportunityState.choices}


def _state_label(state: str) -> str:
    """get_state_display() translated once per language: each call translates every state
    (Django hashes the lazy labels) where a list shows 25 rows."""
    return _state_labels(get_language()).get(state, state)


@register.simple_tag
def opportunity_cells(row: ListRow) -> SafeString:
    """The eight cells of one row of the opportunities list (selectors.list_rows)."""
    if row.pledge_donor_name is not None:
        name = escape(row.pledge_donor_name)
        donors = f'<i class="bi bi-pen" aria-hidden="true"></i> <bdi>{name}</bdi>'
    else:
        names = row.donor_names
        donors = "، ".join(f"<bdi>{escape(name)}</bdi>" for name in names[:3]) or "—"
        if len(names) > 3:
            donors += " …"
    amount = row.pledged_amount or row.expected_amount
    stale = (
        f' <span class="badge text-bg-warning">{escape(gettext("No activity for a week"))}</span>'
        if row.is_stale
        else ""
    )
    return mark_safe(  # noqa: S308 - every text below is escaped
        f'<td><a href="{escape(reverse("opportunities:detail", args=[row.pk]))}">'
        f"<bdi>{escape(row.title)}</bdi></a></td>\n"
        f'<td><span class="ltr-value">{escape(row.programme_code)}</span> · '
        f"<bdi>{escape(row.programme_name)}</bdi></td>\n"
        f'<td class="small">{donors}</td>\n'
        f"<td>{state_badge(row.state, _state_label(row.state))}</td>\n"
        f'<td class="text-end">{sar_amount(amount)}</td>\n'
        f'<td class="text-end"><span class="ltr-value">{row.probability}%</span></td>\n'
        f"<td><bdi>{escape(row.owner_name)}</bdi></td>\n"
        f'<td class="small">{compact_date(row.last_activity_at, "relative")}{stale}</td>'
    )
