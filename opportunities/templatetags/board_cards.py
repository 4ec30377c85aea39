"""{% load board_cards %}{% board_card card %}: one card of the opportunities board (a
selectors.BoardCard), written in Python with the texts escaped one by one. The board holds
up to 130 cards: an included template per card cost more than the rest of the page."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from opportunities.selectors import BoardCard

register = template.Library()

# Names shown on a card before "+N more".
DONOR_NAMES_SHOWN = 2


def _donors(card: BoardCard) -> str:
    if card.pledge_donor_name:
        return (
            f'<i class="bi bi-pen" aria-hidden="true" title="{escape(gettext("pledging donor"))}">'
            f"</i> <bdi>{escape(card.pledge_donor_name)}</bdi>"
        )
    names = card.donor_names
    shown = (
        "، ".join(f"<bdi>{escape(name)}</bdi>" for name in names[:DONOR_NAMES_SHOWN])
        if names
        else escape(gettext("No potential donors yet"))
    )
    more = ""
    if len(names) > DONOR_NAMES_SHOWN:
        counter = len(names) - DONOR_NAMES_SHOWN
        text = ngettext("+%(counter)s more", "+%(counter)s more", counter) % {"counter": counter}
        more = f' <span class="text-body-secondary">{escape(text)}</span>'
    return f'<i class="bi bi-people" aria-hidden="true"></i> {shown}{more}'


@register.simple_tag
def board_card(card: BoardCard) -> SafeString:
    stale = card.is_stale
    stale_marks = (" border-warning stale", ' data-stale="1"') if stale else ("", "")
    stale_note = (
        '<div class="small text-warning-emphasis mt-1">'
        '<i class="bi bi-hourglass-split" aria-hidden="true"></i> '
        f"{escape(gettext('No activity for a week'))}</div>"
        if stale
        else ""
    )
    return mark_safe(  # noqa: S308 - every text below is escaped
        f'<article class="card opportunity-card mb-2{stale_marks[0]}"'
        f' data-testid="opportunity-card"{stale_marks[1]}>\n'
        '  <div class="card-body p-2">\n'
        f'    <h3 class="h6 mb-1"><a href="{escape(card.url)}" class="stretched-link '
        f'text-decoration-none"><bdi>{escape(card.title)}</bdi></a></h3>\n'
        '    <div class="small text-body-secondary mb-1">'
        f'<span class="ltr-value">{escape(card.programme_code)}</span> · '
        f"<bdi>{escape(card.programme_name)}</bdi></div>\n"
        f'    <div class="small mb-1">{_donors(card)}</div>\n'
        '    <div class="d-flex justify-content-between align-items-center small">\n'
        f'      <span><span class="ltr-value text-nowrap">{escape(card.amount_text)}</span> '
        f"{escape(gettext('SAR'))}</span>\n"
        '      <span class="badge text-bg-light border" '
        f'title="{escape(gettext("success probability (%)"))}">'
        f'<span class="ltr-value">{card.probability}%</span></span>\n'
        "    </div>\n"
        f"    {stale_note}\n"
        "  </div>\n"
        "</article>"
    )
