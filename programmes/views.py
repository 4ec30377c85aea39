"""The programmes and activities portfolio: list, programme page, form, and import."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from association.selectors import centres_by_pk, cities_by_pk
from core import cache, xlsx
from core.http import download_name
from core.imports.views import ImportPages, outcome_counts
from core.pagination import CappedPaginator
from core.permissions import require
from core.text import bdi, html_message
from customers.timeline import person_fields, read_together

from . import imports, selectors, services, tasks
from .filters import ProgrammeFilter
from .forms import ProgrammeForm
from .funding import FUNDERS_TOPIC
from .models import Programme
from .presentation import programme_rows_html

PAGE_SIZE = 25
FUNDERS_SHOWN = 100
HISTORY_SHOWN = 10
# The programme's page lists its latest opportunities and links to the opportunity list,
# filtered by the programme, for the rest (a programme gathers more every year).
OPPORTUNITIES_SHOWN = 10
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _querystring_without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- list and programme page ------------------------------------------------------------


@require_GET
def programme_list(request):
    require(request.user, "programmes.view_programme")
    queryset = selectors.search_programmes(
        Programme.objects.select_related("category"), request.GET.get("q")
    )
    programme_filter = ProgrammeFilter(request.GET, queryset=queryset)
    programmes = programme_filter.qs
    page = CappedPaginator(programmes.prefetch_related("centres"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # The sums per programme come from one cached table, not a subquery per row.
    table = selectors.funding_table()
    rows = [(programme, table.funding(programme.pk, programme.budget)) for programme in page]
    return render(
        request,
        "programmes/programme_list.html",
        {
            "filter": programme_filter,
            "page": page,
            "rows": rows,
            "rows_html": programme_rows_html(rows),
            "totals": selectors.portfolio_totals(programmes, table)
            if page.paginator.count
            else None,
            "query": request.GET.get("q", ""),
            "querystring": _querystring_without_page(request),
            "portfolio_is_empty": not page.paginator.count and not Programme.objects.exists(),
        },
    )


# What the programme's page shows of the rows it reads together (customers.timeline's field
# paths: any other field would cost a query per row).
CENTRE_FIELDS = ("centre",)
OPPORTUNITY_FIELDS = (
    "title",
    "state",
    "expected_amount",
    "pledged_amount",
    "last_activity_at",
    *person_fields("owner"),
)
CYCLE_ENTRY_FIELDS = ("cycle__year", "cycle__half", "cycle__state")
PROPOSAL_FIELDS = ("title", "proposed_at")
HISTORY_FIELDS = (
    "history_date",
    "history_type",
    "history_change_reason",
    *person_fields("history_user"),
)


@require_GET
def programme_detail(request, pk):
    require(request.user, "programmes.view_programme")
    programme = get_object_or_404(Programme.objects.select_related("category"), pk=pk)
    funding = selectors.funding_table().funding(programme.pk, programme.budget)
    user = request.user
    # The rows of the page's lists in one query (customers.timeline.read_together), each
    # sorted here as its queryset orders it; a list the reader may not see is not read.
    parts = {
        "centres": (programme.centres.through.objects.filter(programme=programme), CENTRE_FIELDS),
        "history": (programme.history.all()[:HISTORY_SHOWN], HISTORY_FIELDS),
    }
    if user.has_perm("opportunities.view_opportunity"):
        parts["opportunities"] = (
            programme.opportunities.order_by("-last_activity_at")[: OPPORTUNITIES_SHOWN + 1],
            OPPORTUNITY_FIELDS,
        )
    if user.has_perm("programmes.view_portfoliocycle"):
        parts["entries"] = (programme.cycle_entries.order_by(), CYCLE_ENTRY_FIELDS)
    if user.has_perm("programmes.view_programmeproposal"):
        parts["proposals"] = (programme.proposals.order_by(), PROPOSAL_FIELDS)
    read = dict(zip(parts, read_together(list(parts.values())), strict=True))
    opportunities, more_opportunities = None, False
    if user.has_perm("opportunities.view_opportunity"):
        latest = sorted(read["opportunities"], key=lambda row: row.last_activity_at, reverse=True)
        opportunities = latest[:OPPORTUNITIES_SHOWN]
        more_opportunities = len(latest) > OPPORTUNITIES_SHOWN
    # The centres in their own order (the places cache keeps it), each with its city.
    chosen = {row.centre_id for row in read["centres"]}
    cities = cities_by_pk()
    centres = [
        (centre, cities[centre.city_id])
        for centre in centres_by_pk().values()
        if centre.pk in chosen
    ]
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "centres": centres,
            "funding": funding,
            "funders_card": _funders_card(request, programme, funding.received),
            "opportunities": opportunities,
            "more_opportunities": more_opportunities,
            "cycle_entries": sorted(
                read.get("entries", []),
                key=lambda row: (row.cycle.year, row.cycle.half),
                reverse=True,
            ),
            "proposals": sorted(
                read.get("proposals", []), key=lambda row: row.proposed_at, reverse=True
            ),
            "history": sorted(
                read["history"], key=lambda row: (row.history_date, row.pk), reverse=True
            ),
            "may_edit": user.has_perm("programmes.change_programme"),
        },
    )


def _funders_card(request, programme, received):
    """The card of the programme's largest funders, up to FUNDERS_SHOWN rows: rendered once
    per programme, language, day (its dates say "3 days ago") and right to open customers,
    and kept under the funders' cache topic, renewed with the donations and the donors."""
    may_see_customers = request.user.has_perm("customers.view_customer")

    def render_card():
        funders = selectors.programme_funders(programme, FUNDERS_SHOWN + 1)
        shown = funders[:FUNDERS_SHOWN]
        context = {
            "funders": shown,
            "more_funders": len(funders) > FUNDERS_SHOWN,
            # Donations whose donor the finance file did not name (or not yet matched).
            "unattributed": received - sum(funder.total for funder in shown)
            if len(funders) <= FUNDERS_SHOWN
            else None,
            "may_see_customers": may_see_customers,
        }
        return render_to_string("programmes/programme_funders.html", context)

    key = f"card:{programme.pk}:{get_language()}:{timezone.localdate()}:{may_see_customers:d}"
    return cache.cached(FUNDERS_TOPIC, key, render_card)


# --- create and edit --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def programme_create(request):
    require(request.user, "programmes.add_programme")
    form = ProgrammeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        programme = _save(
            form, lambda values: services.programme_create(actor=request.user, **values)
        )
        if programme is not None:
            messages.success(
                request,
                html_message(
                    _("The programme %(programme)s was added."), {"programme": bdi(programme)}
                ),
            )
            return redirect("programmes:detail", pk=programme.pk)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": None})


@require_http_methods(["GET", "POST"])
def programme_edit(request, pk):
    require(request.user, "programmes.change_programme")
    programme = get_object_or_404(Programme, pk=pk)
    form = ProgrammeForm(request.POST or None, instance=programme, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form,
            lambda values: services.programme_update(
                programme=programme, actor=request.user, **values
            ),
        )
        if saved is not None:
            if form.has_changed():
                messages.success(
                    request,
                    html_message(
                        _("The programme %(programme)s was saved."), {"programme": bdi(saved)}
                    ),
                )
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("programmes:detail", pk=saved.pk)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": programme})


def _save(form, write):
    """Run the service; its refusals become form errors. None when it refused."""
    try:
        return write(form.programme_values())
    except ValidationError as error:
        form.add_error(None, error)
    except IntegrityError:
        # Someone saved the same code a moment earlier.
        form.add_error("code", _("Another programme already has this code."))
    return None


# --- import -----------------------------------------------------------------------------
# The pages are core.imports.views': the dry run and the confirmation run as background jobs
# (programmes.tasks); confirming writes the new and changed programmes at once.


def _upload_context(request):
    return {
        # [(column header, field name, required)]
        "columns": [
            (imports.column_label(name), name, name in imports.REQUIRED_COLUMNS)
            for name in imports.COLUMNS
        ],
    }


def _preview_context(request, preview):
    return {
        "counts": outcome_counts(preview.counts, imports.OUTCOME_LABELS, imports.OUTCOME_BADGES),
        "to_write": preview.to_write,
    }


IMPORT_PAGES = ImportPages(
    importer=imports.IMPORTER,
    permission="programmes.add_programme",
    preview_job=tasks.IMPORT_PREVIEW,
    confirm_job=tasks.IMPORT_CONFIRM,
    upload_url="programmes:import",
    upload_template="programmes/import_upload.html",
    preview_template="programmes/import_preview.html",
    stored_preview=imports.StoredPreview,
    title=gettext_lazy("Import the portfolio"),
    back_url="programmes:list",
    back_label=gettext_lazy("Back to the portfolio"),
    file_label=gettext_lazy("Portfolio file"),
    file_help=gettext_lazy("Excel workbook (.xlsx) or CSV, at most 5 MB."),
    upload_context=_upload_context,
    preview_context=_preview_context,
)
import_upload = IMPORT_PAGES.upload
import_preview = IMPORT_PAGES.preview
import_confirm = IMPORT_PAGES.confirm


@require_GET
def import_template(request):
    """An empty portfolio workbook with the column headers, right to left."""
    require(request.user, "programmes.add_programme")
    workbook = xlsx.new_workbook()
    xlsx.RtlSheet(
        workbook, _("Portfolio"), [(imports.column_label(name), 22) for name in imports.COLUMNS]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True,
        filename=download_name(_("Portfolio import template"), extension="xlsx"),
    )
    return response
