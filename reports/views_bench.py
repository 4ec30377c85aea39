"""The floor pages of `manage.py bench` (reports.bench): the least a logged-in page costs
here. Served only under the bench's own URLconf (reports.bench_urls), never by the site's:
the bench measures them through the same middleware as the real pages, in the same rounds.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from core.http import AuthenticatedRequest
from core.permissions import require
from customers.models import Customer


@require_GET
def floor(request: AuthenticatedRequest, pk: int) -> TemplateResponse:
    """One customer fetched and shown in a one-line template."""
    require(request.user, "customers.view_customer")
    customer = get_object_or_404(Customer, pk=pk)
    return TemplateResponse(request, "reports/bench/floor.html", {"customer": customer})


@require_GET
def floor_in_layout(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The same line inside the site's base layout (navigation bar, messages, footer)."""
    require(request.user, "customers.view_customer")
    customer = get_object_or_404(Customer, pk=pk)
    return render(request, "reports/bench/floor_layout.html", {"customer": customer})
