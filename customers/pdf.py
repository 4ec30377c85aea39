"""The customer information create / modify form (نموذج إنشاء وتعديل معلومات العملاء) as a PDF
laid out like the association's paper form (rendered by core.pdf)."""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

from core.dates import format_gregorian_hijri
from core.http import download_name
from core.pdf import render_pdf

from .models import LineAction, RequestKind, RequestState
from .presentation import request_context

TEMPLATE = "customers/request_pdf.html"

# An import batch with more lines than this prints one summary row per customer instead of
# every field of every customer (WeasyPrint is slow on long tables).
BATCH_DETAIL_LIMIT = 5
# ... and the summary itself stops after this many rows; the form page has them all.
BATCH_SUMMARY_LIMIT = 300


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
    html = render_to_string(TEMPLATE, pdf_context(form_request, user))
    pdf = render_pdf(html).content
    response = HttpResponse(pdf, content_type="application/pdf")
    name = download_name(
        _("Customer information create / modify form"), form_request.pk, extension="pdf"
    )
    response["Content-Disposition"] = content_disposition_header(False, name)
    return response
