"""The one-click unsubscribe page of a message's link (no login): GET asks to confirm, POST
withdraws the consent at once. A bad or altered token gets a clear page, never an error."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from core.consent import ConsentChannel, ConsentPurpose
from customers.models import Customer

from . import services
from .tokens import read_unsubscribe_token

# Per address: a person clicks once or twice; guessing tokens is pointless but is slowed.
UNSUBSCRIBE_RATE = "20/m"
UNSUBSCRIBE_GROUP = "unsubscribe:page"


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(group=UNSUBSCRIBE_GROUP, key="ip", rate=UNSUBSCRIBE_RATE, block=False)
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if getattr(request, "limited", False):
        return render(request, "messaging/unsubscribe.html", {"state": "limited"}, status=429)
    read = read_unsubscribe_token(token)
    if read is None or not Customer.objects.filter(pk=read[0]).exists():
        return render(request, "messaging/unsubscribe.html", {"state": "invalid"}, status=404)
    customer_pk, channel, purpose = read
    context = {
        "channel": ConsentChannel(channel).label,
        "purpose": ConsentPurpose(purpose).label,
        "state": "ask",
    }
    if request.method == "POST":
        services.consent_withdraw_by_link(customer_id=customer_pk, channel=channel, purpose=purpose)
        context["state"] = "done"
    return render(request, "messaging/unsubscribe.html", context)
