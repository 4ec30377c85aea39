"""What the complaints register shows in each row (complaints/case_list.html), written in
Python: a page has 25 rows of eleven cells with three dates each, and drawn by the template
engine, one tag and filter at a time, the rows were most of the page's time.
`tests/complaints/test_register_rows.py` holds the markup equal to the template it
replaced. Also the state names of a recurring group's complaints."""

import datetime
import html
from collections.abc import Iterable
from typing import Any, cast

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from association.selectors import centres_by_pk
from core.templatetags.dates import compact_date

from .models import CASE_CHANNEL_CHOICES, Case, CaseKind, CaseRoute, CaseState
from .selectors import category_names

DASH = "—"


def escape(value: object) -> str:
    """django.utils.html.escape's text without its lazy-text wrapper and SafeString: a page
    escapes some three hundred values."""
    return html.escape(str(value))


def duration_label(delta: datetime.timedelta | None) -> str:
    """A time to reply as staff say it: "45 دقيقة", "3 ساعات", "يومان"."""
    if delta is None:
        return ""
    seconds = max(0, int(delta.total_seconds()))
    minutes = seconds // 60
    if minutes < 60:
        return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
    hours = round(seconds / 3600)
    if hours < 24:
        return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    days = round(seconds / 86400)
    return ngettext("%(count)s day", "%(count)s days", days) % {"count": days}


def deadline_state(case: Case, now: datetime.datetime) -> str:
    """'within' or 'late' against the answer deadline (manual 5.2); '' while it runs."""
    if case.replied_at is not None and case.answer_due_at is not None:
        return "within" if case.replied_at <= case.answer_due_at else "late"
    if case.replied_at is None and case.answer_due_at is not None and case.answer_due_at < now:
        return "late"
    return ""


class _PageTexts:
    """The words every row repeats, translated once for the page."""

    def __init__(self) -> None:
        self.labels = {
            field: {value: escape(label) for value, label in choices}
            for field, choices in (
                ("kind", CaseKind.choices),
                ("channel", CASE_CHANNEL_CHOICES),
                ("routed_to", CaseRoute.choices),
                ("state", CaseState.choices),
            )
        }
        # Translated outside the f-strings: xgettext does not read calls inside them.
        within, late = escape(_("Within the deadline")), escape(pgettext("case", "Late"))
        not_yet, overdue = escape(_("Not answered yet")), escape(pgettext("case", "Overdue"))
        self.deadline = {
            "within": f'<span class="badge text-bg-success">{within}</span>',
            "late": f'<span class="badge text-bg-danger">{late}</span>',
            "": f'<span class="text-body-secondary small">{not_yet}</span>',
        }
        self.overdue = (
            '<i class="bi bi-exclamation-triangle-fill text-danger" aria-hidden="true"></i> '
            f"{overdue} · "
        )
        # The case page's address with a placeholder for the case: reverse() once, not per row.
        self.detail_url = reverse("complaints:detail", args=[0]).rsplit("0/", 1)
        self.centres = centres_by_pk()
        self.categories = category_names()

    def label(self, field: str, value: str) -> str:
        # get_FOO_display shows a value outside the choices as it is.
        return self.labels[field].get(value, escape(value))


def prepare_register_rows(cases: Iterable[Case], now: datetime.datetime) -> None:
    """Give each case of a register page what its row shows: `reply_time_label`,
    `deadline_state`, and its markup, `row_attrs` (of the <tr>) and `row_cells`."""
    texts = _PageTexts()
    for page_case in cases:
        case = cast(Any, page_case)  # what the row shows is set on the case the page holds
        if case.centre_id in texts.centres:
            case.centre = texts.centres[case.centre_id]
        case.reply_time_label = duration_label(case.time_to_reply)
        case.deadline_state = deadline_state(case, now)
        overdue = case.is_overdue
        case.row_attrs = mark_safe(
            (' class="table-danger"' if overdue and case.state != CaseState.CLOSED else "")
            + ' data-testid="case-row"'
        )
        case.row_cells = _cells(case, texts, overdue)


def _cells(case: Any, texts: _PageTexts, overdue: bool) -> SafeString:
    url = f"{case.pk}/".join(texts.detail_url)
    category = texts.categories.get(case.category_id) if case.category_id else None
    if category is None and case.category_id:
        category = case.category.name  # not in the cache yet
    centre = ""
    if case.centre:
        centre = f'<div class="small text-body-secondary">{escape(case.centre)}</div>'
    due = DASH
    if case.due_at:
        due = (texts.overdue if overdue else "") + compact_date(case.due_at)
    cells = (
        f'\n<td><a class="ltr-value" href="{escape(url)}">{escape(case.tracking_number)}</a></td>'
        f"\n<td>{texts.label('kind', case.kind)}</td>"
        f"\n<td><bdi>{escape(case.subject)}</bdi>"
        f'<div class="small text-body-secondary">{escape(case.contact_display)}'
        f"{f' · {escape(category)}' if category else ''}</div></td>"
        f"\n<td>{texts.label('channel', case.channel)}</td>"
        f"\n<td>{texts.label('routed_to', case.routed_to)}{centre}</td>"
        f'\n<td class="small">{compact_date(case.received_at)}</td>'
        f'\n<td class="small">{compact_date(case.replied_at) if case.replied_at else DASH}</td>'
        f'\n<td data-testid="reply-time">{escape(case.reply_time_label or DASH)}</td>'
        f'\n<td data-testid="deadline-state">{texts.deadline[case.deadline_state]}</td>'
        f'\n<td><span class="badge text-bg-{case.state_badge}">'
        f"{texts.label('state', case.state)}</span></td>"
        f'\n<td class="small">{due}</td>\n'
    )
    return mark_safe(cells)  # noqa: S308 - every text above is escaped


def with_state_labels(cases: Iterable[Case]) -> None:
    """Give each case its `state_label`, the name of its state: get_state_display translates
    the name of every state on each call, 25 times a page."""
    labels = {value: str(label) for value, label in CaseState.choices}
    for case in cases:
        cast(Any, case).state_label = labels.get(case.state, case.state)
