"""The complaints register (سجل شكاوى العملاء, manual 5.1.6): the list with its filters,
and the same list as an XLSX workbook."""

import tempfile

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import pagination
from core.http import download_name
from core.pagination import CappedPaginator
from core.permissions import require

from . import exports, presentation, selectors
from .filters import CaseFilterForm

PAGE_SIZE = 25
# The register lists at most this many cases of one search (400 pages); the filters, or the
# export, reach the others. Counting 300,000 rows on every page view would cost more than
# the page itself (core.pagination).
COUNT_CAP = pagination.COUNT_CAP
# A search is for finding a case: beyond this many matches it asks for more words.
SEARCH_COUNT_CAP = 1_000
# openpyxl writes about 3,000 rows a second (pure-Python XML): beyond this many rows the
# request would outlive the web worker's timeout. A month of the register is far below.
EXPORT_MAX_ROWS = 50_000


def filtered_cases(request):
    """The cases this user sees, narrowed by the register's filters: (form, queryset)."""
    filter_form, _condition, cases = _filtered(request)
    return filter_form, cases


def _filtered(request):
    """(form, its condition, the cases this user sees that meet it)."""
    filter_form = CaseFilterForm(request.GET)
    visible = selectors.cases_visible_to(request.user)
    condition = filter_form.condition(visible, timezone.now())
    return filter_form, condition, visible.filter(condition)


@require_GET
def case_list(request):
    require(request.user, "complaints.view_case")
    filter_form, condition, cases = _filtered(request)
    searching = bool(filter_form.is_valid() and filter_form.cleaned_data.get("q"))
    cap = SEARCH_COUNT_CAP if searching else COUNT_CAP
    # A department's register, whole or searched, is counted part by part (its queue, what
    # its people registered for another): each part reads case_route_registrar, which holds
    # the searched words too, and stops at the cap. The other filters read columns of the
    # table: the OR of the whole list costs less there.
    parts = []
    if not filter_form.in_use_besides_search():
        parts = [part.filter(condition) for part in selectors.visible_case_parts(request.user)]
    page = CappedPaginator(
        selectors.register_rows(cases), PAGE_SIZE, cap=cap, ids_first=True, count_parts=parts
    ).get_page(request.GET.get("page"))
    presentation.prepare_register_rows(page, timezone.now())
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/case_list.html",
        {
            "filter_form": filter_form,
            "page": page,
            "querystring": query.urlencode(),
        },
    )


@require_GET
def case_export(request):
    """The filtered register as XLSX: the same filters and the same visibility as the list."""
    require(request.user, "complaints.view_case")
    _filter_form, cases = filtered_cases(request)
    if cases.order_by().values("pk")[: EXPORT_MAX_ROWS + 1].count() > EXPORT_MAX_ROWS:
        messages.error(
            request,
            _(
                "The export holds at most %(count)s cases. Narrow the period or the filters "
                "and export again."
            )
            % {"count": EXPORT_MAX_ROWS},
        )
        return redirect(f"{reverse('complaints:list')}?{request.GET.urlencode()}")
    # A temporary file rather than memory for a long register; FileResponse closes (and so
    # deletes) it once sent.
    file = tempfile.TemporaryFile()  # noqa: SIM115
    exports.write_xlsx(cases, file)
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=download_name(_("Complaints register"), when=timezone.now(), extension="xlsx"),
        content_type=exports.XLSX_CONTENT_TYPE,
    )
