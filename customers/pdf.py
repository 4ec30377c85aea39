"""The customer information create / modify form (نموذج إنشاء وتعديل معلومات العملاء) as a PDF
laid out like the association's paper form.

WeasyPrint is imported inside render_request_pdf so that the site runs on a machine without
Pango until someone asks for a PDF. Fonts (DESIGN.md section 5): one full TTF per weight from
static/fonts, declared with @font-face and ONE FontConfiguration shared by the stylesheet and
write_pdf; otherwise WeasyPrint silently falls back to DejaVu.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi

from core.dates import format_gregorian_hijri

from .models import LineAction, RequestKind, RequestState

TEMPLATE = "customers/request_pdf.html"

# An import batch with more lines than this prints one summary row per customer instead of
# every field of every customer (WeasyPrint is slow on long tables).
BATCH_DETAIL_LIMIT = 5
# ... and the summary itself stops after this many rows; the form page has them all.
BATCH_SUMMARY_LIMIT = 300

# (family, weight, static path): one full TTF per weight, no unicode-range subsets.
FONT_FILES = (
    ("Noto Sans Arabic", 400, "fonts/NotoSansArabic-Regular.ttf"),
    ("Noto Sans Arabic", 700, "fonts/NotoSansArabic-Bold.ttf"),
    ("Noto Sans", 400, "fonts/NotoSans-Regular.ttf"),
    ("Noto Sans", 700, "fonts/NotoSans-Bold.ttf"),
)


def font_uris():
    """{static path: file:// URI} of the PDF fonts; a missing font is a deployment error,
    not a reason to print in DejaVu."""
    uris = {}
    for _family, _weight, static_path in FONT_FILES:
        found = finders.find(static_path)
        if not found:
            raise ImproperlyConfigured(f"PDF font {static_path} not found by the static finders.")
        uris[static_path] = Path(found).resolve().as_uri()
    return uris


def font_face_css(uris=None):
    uris = uris or font_uris()
    return "\n".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: normal; '
        f'src: url("{uris[static_path]}") format("truetype"); }}'
        for family, weight, static_path in FONT_FILES
    )


def _only_fonts_fetcher(allowed):
    """A URL fetcher that loads our font files and nothing else: the template prints data
    typed by users, and the PDF must never reach the network or other files."""
    from weasyprint import URLFetcher

    class OnlyFontsFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url not in allowed:
                raise ValueError(f"Not loaded in a PDF: {url}")
            return super().fetch(url, headers)

    return OnlyFontsFetcher(allowed_protocols=("file",), allow_redirects=False)


def _user_name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _line_name(line):
    if line.proposed.get("name"):
        return line.proposed["name"]
    if line.customer is not None:
        return line.customer.name
    return line.base_values.get("name", "")


def _signatures(form_request):
    """(key, name, date) of each step of the paper form; empty name and date for steps not
    taken yet, so the printed form keeps a blank line to sign by hand."""

    def step(key, user, at):
        return {
            "key": key,
            "name": _user_name(user),
            "date": format_gregorian_hijri(at, with_time=False) if at else "",
        }

    decided_key = "rejected" if form_request.state == RequestState.REJECTED else "approved"
    return [
        step("prepared", form_request.prepared_by, form_request.created_at),
        step(decided_key, form_request.decided_by, form_request.decided_at),
        step("entered", form_request.entered_by, form_request.entered_at),
        step("filed", form_request.filed_by, form_request.filed_at),
    ]


def pdf_context(form_request, user):
    from .views import request_context

    context = request_context(form_request, user)
    lines = context["lines"]
    actions = {item["line"].action for item in lines}
    is_summary = form_request.kind == RequestKind.IMPORT and len(lines) > BATCH_DETAIL_LIMIT
    summary = [
        {
            "number": number,
            "source_row": item["line"].source_row,
            "name": _line_name(item["line"]),
            "action": item["line"].get_action_display(),
            "code": item["line"].customer.code if item["line"].customer else "",
            "duplicates": len(item["duplicates"]),
        }
        for number, item in enumerate(lines[:BATCH_SUMMARY_LIMIT], start=1)
    ]
    now = timezone.now()
    context.update(
        {
            "association_name": settings.ASSOCIATION_NAME,
            "printed_at": format_gregorian_hijri(now),
            "form_date": format_gregorian_hijri(form_request.created_at, with_time=False),
            "is_new_record": form_request.kind == RequestKind.CREATE
            or (form_request.kind == RequestKind.IMPORT and LineAction.CREATE in actions),
            "is_modification": form_request.kind == RequestKind.MODIFY
            or (form_request.kind == RequestKind.IMPORT and LineAction.MODIFY in actions),
            "is_import": form_request.kind == RequestKind.IMPORT,
            "is_summary": is_summary,
            "summary": summary if is_summary else [],
            "summary_omitted": max(len(lines) - BATCH_SUMMARY_LIMIT, 0) if is_summary else 0,
            "line_count": len(lines),
            "signatures": _signatures(form_request),
            "language_code": get_language() or settings.LANGUAGE_CODE,
            "language_bidi": get_language_bidi(),
        }
    )
    return context


def render_request_pdf(form_request, user):
    """The printable form as an inline PDF response."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_to_string(TEMPLATE, pdf_context(form_request, user))
    uris = font_uris()
    fetcher = _only_fonts_fetcher(set(uris.values()))
    font_config = FontConfiguration()
    fonts = CSS(string=font_face_css(uris), font_config=font_config, url_fetcher=fetcher)
    base_url = str(Path(finders.find(FONT_FILES[0][2])).resolve().parent)
    pdf = HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
        stylesheets=[fonts], font_config=font_config
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="customer-form-{form_request.pk}.pdf"'
    return response
