"""The staff's pages of tracked links: the list with visit figures, a link's page (visits
per day, unique visitors, outcomes attributed, the QR downloads), making and editing a
link (the CRM manager), and the QR code as SVG, print PNG and poster PDF."""

from io import BytesIO

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.http import AuthenticatedRequest, download_name
from core.pagination import CappedPaginator
from core.permissions import require
from core.text import bdi, html_message

from . import qr, selectors, services
from .errors import LinkError
from .forms import PrintSizeForm, TrackedLinkForm
from .models import TrackedLink

PAGE_SIZE = 25
QR_TITLE = gettext_lazy("QR code")
POSTER_TITLE = gettext_lazy("QR poster")


@require_GET
def link_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "links.view_trackedlink")
    page = CappedPaginator(selectors.links_for_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    totals = selectors.visit_totals([link.pk for link in page])
    for link in page:
        figures = totals.get(link.pk, {})
        link.visits_total = figures.get("total", 0)  # shown on the list only
        link.visits_recent = figures.get("recent", 0)  # shown on the list only
    return render(
        request,
        "links/link_list.html",
        {"page": page, "recent_days": selectors.RECENT_DAYS, "querystring": ""},
    )


@require_GET
def link_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "links.view_trackedlink")
    link = get_object_or_404(TrackedLink.objects.select_related("created_by"), pk=pk)
    days = selectors.days_of(link)
    return render(
        request,
        "links/link_detail.html",
        {
            "link": link,
            "destination": services.destination(link),
            "totals": selectors.link_totals(days),
            "days": selectors.visits_per_day(days),
            "recent_days": selectors.RECENT_DAYS,
            "outcomes": selectors.outcomes_of(link, request.user),
            "print_form": PrintSizeForm(),
            "qr_svg": qr.svg_inline(link),
        },
    )


def _save_link(request: AuthenticatedRequest, form: TrackedLinkForm, link: TrackedLink | None):
    data = dict(form.cleaned_data)
    label, target = data.pop("label"), data.pop("target")
    if link is None:
        return services.link_create(actor=request.user, label=label, target=target, **data)
    return services.link_update(link=link, actor=request.user, label=label, target=target, **data)


@require_http_methods(["GET", "POST"])
def link_create(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "links.add_trackedlink")
    return _form_page(request, None)


@require_http_methods(["GET", "POST"])
def link_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "links.change_trackedlink")
    return _form_page(request, get_object_or_404(TrackedLink, pk=pk))


def _form_page(request: AuthenticatedRequest, link: TrackedLink | None) -> HttpResponse:
    form = TrackedLinkForm(request.POST or None, instance=link)
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save_link(request, form, link)
        except LinkError as error:
            form.add_error(None, ValidationError(str(error)))
        else:
            done = _("Link %(label)s saved.") if link else _("Link %(label)s created.")
            messages.success(request, html_message(done, {"label": bdi(saved.label)}))
            return redirect("links:detail", pk=saved.pk)
    return render(request, "links/link_form.html", {"form": form, "link": link})


def _link_for_download(request: AuthenticatedRequest, pk: int) -> TrackedLink:
    require(request.user, "links.view_trackedlink")
    return get_object_or_404(TrackedLink, pk=pk)


@require_GET
def qr_svg(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    link = _link_for_download(request, pk)
    return FileResponse(
        BytesIO(qr.svg(link)),
        as_attachment=True,
        filename=download_name(QR_TITLE, link.label, extension="svg"),
        content_type="image/svg+xml",
    )


@require_GET
def qr_png(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    link = _link_for_download(request, pk)
    form = PrintSizeForm(request.GET or None)
    size, dpi = float(qr.DEFAULT_SIZE_CM), qr.DEFAULT_DPI
    if request.GET:
        if not form.is_valid():
            messages.error(
                request, " ".join(str(error) for errors in form.errors.values() for error in errors)
            )
            return redirect("links:detail", pk=link.pk)
        size, dpi = float(form.cleaned_data["size_cm"]), form.cleaned_data["dpi"]
    return FileResponse(
        BytesIO(qr.png(link, size_cm=size, dpi=dpi)),
        as_attachment=True,
        filename=download_name(QR_TITLE, link.label, f"{size:g}cm {dpi}dpi", extension="png"),
        content_type="image/png",
    )


@require_GET
def poster_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    link = _link_for_download(request, pk)
    pdf = qr.poster_pdf(link)
    return FileResponse(
        BytesIO(pdf.content),
        as_attachment=True,
        filename=download_name(POSTER_TITLE, link.label, extension="pdf"),
        content_type="application/pdf",
    )
