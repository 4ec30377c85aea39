"""QR codes of a tracked link's short URL (segno): SVG for screens, PNG at print resolution
for leaflets and billboards, and a printable poster PDF in the association's visual
identity (core.pdf, reports' VisualIdentity).

The code always encodes `link.short_url` (built from SITE_URL), so a printed code keeps
working when the link's target changes."""

import io
from pathlib import Path

import segno
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from core.dates import format_gregorian_hijri
from core.pdf import RenderedPdf, render_pdf
from reports.documents.base import _logo_path, identity_colours
from reports.models import VisualIdentity

from .models import TrackedLink

# Error correction "Q" (25%): a printed code still scans when a corner is scratched, dirty
# or covered by a sticker.
ERROR = "q"
CM_PER_INCH = 2.54
DEFAULT_DPI = 300
DEFAULT_SIZE_CM = 5
MIN_SIZE_CM, MAX_SIZE_CM = 2, 100
ALLOWED_DPI = (150, 300, 600)
# The poster's code: 12 cm wide on A4.
POSTER_SIZE_CM = 12


def make(link: TrackedLink) -> segno.QRCode:
    return segno.make(link.short_url, error=ERROR, micro=False)


def svg(link: TrackedLink) -> bytes:
    """A scalable code for screens (the link's page, a slide)."""
    out = io.BytesIO()
    make(link).save(out, kind="svg", scale=8, border=4, xmldecl=True, svgns=True, title=link.label)
    return out.getvalue()


def svg_inline(link: TrackedLink) -> str:
    """The code as inline SVG markup for a page (no XML declaration, no fixed size)."""
    return make(link).svg_inline(scale=1, border=4, omitsize=True, title=link.label)


def png(link: TrackedLink, *, size_cm: float = DEFAULT_SIZE_CM, dpi: int = DEFAULT_DPI) -> bytes:
    """A PNG that prints `size_cm` wide at `dpi` (quiet zone included), with the DPI written
    in the file so that office software prints it at that size."""
    code = make(link)
    modules = code.symbol_size(scale=1, border=4)[0]
    pixels = size_cm / CM_PER_INCH * dpi
    scale = max(1, round(pixels / modules))
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=4, dpi=dpi)
    return out.getvalue()


def poster_html(link: TrackedLink) -> tuple[str, str | None]:
    """The poster's HTML in Arabic, and the logo's file (or None)."""
    with translation.override("ar"):
        identity = VisualIdentity.current()
        logo_path = _logo_path(identity)
        # Inline SVG: WeasyPrint draws it as vectors, sharp at any print size.
        code_svg = svg_inline(link)
        html = render_to_string(
            "links/poster.html",
            {
                "link": link,
                "identity": identity,
                "colours": identity_colours(identity),
                "logo_uri": Path(logo_path).resolve().as_uri() if logo_path else "",
                "qr_svg": mark_safe(code_svg),  # segno's markup of the short URL
                "short_url": f"\u2066{link.short_url}\u2069",
                "size_cm": POSTER_SIZE_CM,
                "generated_at": format_gregorian_hijri(timezone.now()),
            },
        )
    return html, logo_path


def poster_pdf(link: TrackedLink) -> RenderedPdf:
    html, logo_path = poster_html(link)
    return render_pdf(html, extra_files=[logo_path] if logo_path else [])
