"""The support requests' printed documents, in the association's visual identity (the
reports' PDF layout, core.pdf's fonts): the applicant's declaration (step 4, printed, signed
on paper, then scanned and uploaded) and the research committee's minutes (step 5).
Documents are the association's: Arabic whatever language asked for them."""

from datetime import date
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.dates import format_gregorian_hijri
from core.pdf import RenderedPdf, render_pdf
from reports.documents.base import _logo_path, identity_colours, page_counter_css
from reports.models import VisualIdentity

from . import selectors
from .models import CommitteeMeeting, SupportRequest


class _Heading:
    """What the reports' PDF layout (reports/pdf/base.html) reads of its `report`."""

    def __init__(self, title: str) -> None:
        self.title = title

    def get_report_type_display(self) -> str:
        return self.title


def _period(start: date, end: date) -> dict[str, str]:
    return {
        "start": format_gregorian_hijri(start, with_time=False),
        "end": format_gregorian_hijri(end, with_time=False),
        # Each ISO date isolated: WeasyPrint would otherwise reorder its digit groups.
        "start_iso": f"\u2066{start:%Y-%m-%d}\u2069",
        "end_iso": f"\u2066{end:%Y-%m-%d}\u2069",
    }


def _render(template: str, title: str, day: date, context: dict[str, Any]) -> RenderedPdf:
    identity = VisualIdentity.current()
    logo_path = _logo_path(identity)
    html = render_to_string(
        template,
        {
            **context,
            "report": _Heading(title),
            "identity": identity,
            "colours": identity_colours(identity),
            "logo_uri": Path(logo_path).resolve().as_uri() if logo_path else "",
            "period": _period(day, day),
            "generated_at": format_gregorian_hijri(timezone.now()),
            "page_css": page_counter_css(),
        },
    )
    return render_pdf(html, extra_files=[logo_path] if logo_path else [])


def declaration_pdf(support_request: SupportRequest) -> RenderedPdf:
    """The declaration the applicant signs: the request's data, the household, and the
    statement that the data are correct and that the applicant is directly responsible."""
    with translation.override("ar"):
        return _render(
            "support/pdf/declaration.html",
            _("Applicant's declaration"),
            timezone.localdate(support_request.received_at),
            {
                "support_request": support_request,
                "household": selectors.household_of(support_request),
                "received": format_gregorian_hijri(support_request.received_at),
                "earliest": format_gregorian_hijri(support_request.earliest_answer_on),
            },
        )


def minutes_pdf(meeting: CommitteeMeeting) -> RenderedPdf:
    """The committee's minutes: when and where, the members present, each request on the
    agenda with its decision, and the other matters."""
    with translation.override("ar"):
        items = selectors.meeting_items(meeting)
        return _render(
            "support/pdf/minutes.html",
            _("Research committee minutes"),
            timezone.localdate(meeting.meets_at),
            {
                "meeting": meeting,
                "items": items,
                "members": list(meeting.members_present.order_by("first_name", "last_name")),
                "meets_at": format_gregorian_hijri(meeting.meets_at),
                "accepted": sum(1 for item in items if item.outcome == "accepted"),
                "rejected": sum(1 for item in items if item.outcome == "rejected"),
            },
        )
