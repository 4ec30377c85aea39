"""The public short link /c/<code> (no login): count the visit, remember the first touch,
redirect to the target with its UTM parameters.

The redirect sends at most one write to the database, the visit's INSERT (links.services),
after one SELECT of the link. Over the rate limit (per address: many people behind one
mobile operator's address scan the same billboard) the visitor is still redirected, but
the visit is not counted: a flood cannot fill the visits table, and nobody is turned away.
An unknown, inactive or expired code gets a friendly page in the public layout."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from core.client_ip import client_ip

from . import services
from .attribution import remember_first_touch
from .models import CODE_MAX_LENGTH, TrackedLink
from .targets import is_allowed

FOLLOW_GROUP = "links:follow"


def follow_rate(group: str, request: HttpRequest) -> str:
    """Visits counted per address (LINK_FOLLOW_RATE, 30 a minute by default)."""
    return str(getattr(settings, "LINK_FOLLOW_RATE", "30/m"))


@login_not_required
@never_cache
@require_GET
@ratelimit(group=FOLLOW_GROUP, key="ip", rate=follow_rate, block=False)
def follow(request: HttpRequest, code: str) -> HttpResponse:
    link = None
    if len(code) <= CODE_MAX_LENGTH and code.isascii() and code.isalnum():
        link = TrackedLink.objects.filter(code=code).first()
    if link is None:
        return render(request, "links/unavailable.html", {"reason": "unknown"}, status=404)
    if not link.is_active or link.is_expired(timezone.now()):
        return render(request, "links/unavailable.html", {"reason": "ended"}, status=410)
    # The target was checked when it was saved; an outside host removed from the
    # allow-list since then stops its links at once.
    if not is_allowed(link.target):
        return render(request, "links/unavailable.html", {"reason": "ended"}, status=410)
    response = HttpResponseRedirect(services.destination(link))
    if not getattr(request, "limited", False):
        services.visit_record(
            link=link, ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")
        )
    if not services.is_bot(request.META.get("HTTP_USER_AGENT", "")):
        remember_first_touch(request, response, link)
    return response
