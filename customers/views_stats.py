"""Customer statistics on demand (manual 6.1.8): the page and its XLSX export.

Both read the same query string as the customer list (search box `q` and CustomerFilter)
plus `group_by`, over the customers the user may see (customers_visible_to)."""

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.http import download_name

from . import statistics
from .views import filtered_customers

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _statistics_for(request):
    """(filter, Statistics) for the query string; raises PermissionDenied without
    customers.view_customer (filtered_customers checks it)."""
    customer_filter = filtered_customers(request)
    result = statistics.customer_statistics(customer_filter.qs, request.GET.get("group_by"))
    return customer_filter, result


def _title(result):
    return _("Customers by %(grouping)s") % {"grouping": result.grouping.label}


@require_GET
def customer_statistics(request):
    customer_filter, result = _statistics_for(request)
    return render(
        request,
        "customers/statistics.html",
        {
            "filter": customer_filter,
            "query": request.GET.get("q", ""),
            "statistics": result,
            "title": _title(result),
            "grouping_choices": statistics.grouping_choices(),
            "chart": statistics.bar_chart(result, rtl=get_language_bidi()),
            "querystring": request.GET.urlencode(),
        },
    )


@require_GET
def customer_statistics_xlsx(request):
    customer_filter, result = _statistics_for(request)
    now = timezone.now()
    content = statistics.statistics_workbook(
        result,
        title=_title(result),
        filters=applied_filters(customer_filter, request.GET.get("q", "")),
        generated_at=now,
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    filename = download_name(
        _("Customer statistics"), result.grouping.label, when=now, extension="xlsx"
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def applied_filters(customer_filter, query):
    """[(label, shown value)] of the search and the filters in use, for the export heading."""
    applied = [(_("Search"), query.strip())] if query and query.strip() else []
    form = customer_filter.form
    if not form.is_valid():
        return applied
    for name, form_field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        applied.append((form_field.label, _shown_value(form_field, value)))
    return applied


def _shown_value(form_field, value):
    if isinstance(form_field, forms.ModelChoiceField):
        full_name = getattr(value, "get_full_name", None)
        return (full_name and full_name()) or str(value)
    if isinstance(form_field, forms.ChoiceField):
        return str(dict(form_field.choices).get(value, value))
    return str(value)
