"""What the donation list shows in each row (finance/donation_list.html), written in
Python: drawn by the template engine, one tag and filter at a time, the 25 rows were most
of the page's time. `tests/finance/test_donation_rows.py` holds the markup equal to the
template it replaced."""

import html
from collections.abc import Iterable
from typing import Any, cast

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.numbers import format_amount
from core.templatetags.dates import compact_date

from .models import Donation

DASH = "—"


def escape(value: object) -> str:
    """django.utils.html.escape's text without its lazy-text wrapper and SafeString."""
    return html.escape(str(value))


class _PageTexts:
    """The words and addresses every row repeats, made once for the page."""

    def __init__(self, may_unmatch: bool) -> None:
        self.may_unmatch = may_unmatch
        # Translated outside the f-string: xgettext does not read calls inside them.
        not_matched = escape(_("Not matched"))
        self.not_matched = f'<span class="badge text-bg-warning">{not_matched}</span>'
        self.matched_by_hand = escape(_("matched by hand"))
        self.undo = escape(_("Undo the match"))
        # Addresses with a placeholder for the record: reverse() once, not per row.
        self.customer_url = reverse("customers:detail", args=[0]).rsplit("0/", 1)
        self.unmatch_url = reverse("finance:donation_unmatch", args=[0]).rsplit("0/", 1)


def prepare_donation_rows(donations: Iterable[Donation], *, may_unmatch: bool) -> None:
    """Give each donation of a list page its markup: `row_attrs` (of the <tr>) and
    `row_cells`. `may_unmatch`: the reader may undo a match made by hand."""
    texts = _PageTexts(may_unmatch)
    for page_donation in donations:
        donation = cast(Any, page_donation)  # the markup is set on the donation the page holds
        donation.row_attrs = mark_safe(f' data-receipt="{escape(donation.receipt_number)}"')  # noqa: S308 - escaped
        donation.row_cells = _cells(donation, texts)


def _cells(donation: Any, texts: _PageTexts) -> SafeString:
    if donation.donor:
        url = f"{donation.donor.pk}/".join(texts.customer_url)
        donor = (
            f'<a href="{escape(url)}"><bdi>{escape(donation.donor.name)}</bdi></a> '
            '<span class="badge text-bg-light border ltr-value">'
            f"{escape(donation.donor.code)}</span>"
        )
    else:
        donor = (
            f'{texts.not_matched} <span class="ltr-value small">'
            f"{escape(donation.donor_code_as_imported or DASH)}</span>"
        )
    if donation.programme:
        programme = f"{escape(donation.programme)}\n"
        if texts.may_unmatch and donation.matched_by_id:
            url = f"{donation.pk}/".join(texts.unmatch_url)
            programme += (
                f'<div class="small"><span class="text-body-secondary">{texts.matched_by_hand}'
                f'</span> · <a href="{escape(url)}" data-testid="unmatch">{texts.undo}</a></div>'
            )
        programme += "\n"
    else:
        programme = (
            f'{texts.not_matched} <span class="ltr-value small">'
            f"{escape(donation.programme_code_as_imported or DASH)}</span>"
        )
    cells = (
        f'\n\n<td class="ltr-value">{escape(donation.receipt_number)}</td>'
        f"\n<td>{compact_date(donation.received_on)}</td>"
        f"\n<td>\n\n{donor}\n\n</td>"
        f"\n<td>\n{programme}\n</td>"
        f'\n<td class="text-end ltr-value">{escape(format_amount(donation.amount))}</td>\n\n'
    )
    return mark_safe(cells)  # noqa: S308 - every text above is escaped
