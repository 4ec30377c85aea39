"""What the portfolio list shows of each programme, written in Python: its 25 rows through
the template cost more than the rest of the page (tests/programmes/test_list_rows.py holds
the markup to what programmes/programme_list.html wrote)."""

from collections.abc import Iterable
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core.numbers import format_riyals

from .models import Programme, ProgrammeStatus
from .selectors import Funding

_STATUS_BADGES: dict[str, str] = {
    ProgrammeStatus.ACTIVE: "primary",
    ProgrammeStatus.COMPLETED: "success",
    ProgrammeStatus.CANCELLED: "secondary",
}


def programme_rows_html(rows: Iterable[tuple[Programme, Funding]]) -> SafeString:
    """The `<tr>` of each (programme, funding) of the list (centres and category read with
    the programmes)."""
    labels = {
        "received_of_budget": escape(gettext("Received of the budget")),
        "fully_funded": escape(gettext("Fully funded")),
        "no_budget": escape(gettext("No budget set")),
        # Each get_status_display() would translate every status (Django hashes the labels).
        **{status: escape(str(label)) for status, label in ProgrammeStatus.choices},
    }
    return mark_safe(  # noqa: S308 - every text is escaped in _row
        "".join(_row(programme, funding, labels) for programme, funding in rows)
    )


def _row(programme: Programme, funding: Funding, labels: dict[str, str]) -> str:
    code = escape(programme.code)
    url = reverse("programmes:detail", args=[programme.pk])
    centres = "، ".join(escape(str(centre)) for centre in programme.centres.all())
    year = programme.portfolio_year if programme.portfolio_year else "—"
    return (
        f'<tr data-code="{code}">\n'
        f'<td><span class="ltr-value">{code}</span></td>\n'
        f'<td><a href="{escape(url)}"><bdi>{escape(programme.name)}</bdi></a>'
        + (f'<div class="small text-body-secondary">{centres}</div>' if centres else "")
        + "</td>\n"
        f"<td>{escape(str(programme.category))}</td>\n"
        f'<td><span class="badge text-bg-{_STATUS_BADGES.get(programme.status, "light border")}">'
        f"{labels.get(programme.status) or escape(programme.status)}</span></td>\n"
        f'<td><span class="ltr-value">{escape(str(year))}</span></td>\n'
        f'<td class="text-end"><span class="ltr-value">'
        f"{format_riyals(funding.budget)}</span></td>\n"
        f'<td class="text-end"><span class="ltr-value" data-testid="pledged">'
        f"{format_riyals(funding.pledged)}</span></td>\n"
        f'<td class="text-end"><span class="ltr-value" data-testid="received">'
        f"{format_riyals(funding.received)}</span>{_progress(funding, labels)}</td>\n"
        f'<td class="text-end" data-testid="gap">{_gap(funding, labels)}</td>\n'
        "</tr>\n"
    )


def _progress(funding: Funding, labels: dict[str, str]) -> str:
    if not funding.has_budget:
        return ""
    percent = funding.received_percent
    return (
        f'<div class="progress progress-thin mt-1" role="progressbar" '
        f'aria-label="{labels["received_of_budget"]}" aria-valuenow="{percent}" '
        f'aria-valuemin="0" aria-valuemax="100"><div class="progress-bar bg-success '
        f'pct-{percent}"></div></div>'
    )


def _gap(funding: Funding, labels: dict[str, str]) -> str:
    if funding.fully_funded:
        return f'<span class="badge text-bg-success">{labels["fully_funded"]}</span>'
    if not funding.has_budget:
        return f'<span class="text-body-secondary small">{labels["no_budget"]}</span>'
    return f'<span class="ltr-value">{format_riyals(funding.gap)}</span>'
