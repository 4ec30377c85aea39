"""The campaign brief for the agency (step 2), printed as a PDF in the association's visual
identity (3.1.10): the same header, colours and fonts as the reports."""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.dates import format_gregorian_hijri
from core.pdf import RenderedPdf, render_pdf
from reports.documents.base import _logo_path, identity_colours, page_counter_css
from reports.models import VisualIdentity

from .models import Campaign


def brief_html(campaign: Campaign) -> tuple[str, str | None]:
    """The brief's HTML (in Arabic) and the logo's file, if any."""
    with translation.override("ar"):
        identity = VisualIdentity.current()
        logo_path = _logo_path(identity)
        html = render_to_string(
            "campaigns/pdf/brief.html",
            {
                "campaign": campaign,
                "identity": identity,
                "colours": identity_colours(identity),
                "logo_uri": Path(logo_path).resolve().as_uri() if logo_path else "",
                "generated_at": format_gregorian_hijri(timezone.now()),
                "page_css": page_counter_css(),
                "programmes": campaign.programmes.all(),
                "cities": campaign.cities.all(),
                "centres": campaign.centres.all(),
            },
        )
    return html, logo_path


def render_brief_pdf(campaign: Campaign) -> RenderedPdf:
    html, logo_path = brief_html(campaign)
    return render_pdf(html, extra_files=[logo_path] if logo_path else [])
