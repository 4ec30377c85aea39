"""The JSON endpoint behind every customer lookup field (customers.lookup)."""

from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.http import AuthenticatedRequest
from core.permissions import require

from . import selectors
from .lookup import customer_kinds, lookup_option


@require_GET
def customer_lookup(request: AuthenticatedRequest) -> JsonResponse:
    """?q=<name, code, mobile or national ID>[&kind=donor,...][&active=1]: up to 20
    customers the user may see, found by the customer list's search."""
    require(request.user, "customers.view_customer")
    customers = selectors.lookup_customers(
        request.user,
        request.GET.get("q", "")[:100],
        kinds=customer_kinds(request.GET.get("kind")),
        active_only=request.GET.get("active") == "1",
    )
    may_register = request.user.has_perm("customers.add_customerrequest")
    return JsonResponse(
        {
            "results": [lookup_option(customer) for customer in customers],
            "new_url": reverse("customers:request_new") if may_register else None,
        }
    )
