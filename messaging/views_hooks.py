"""The SMS gateway's webhooks (messaging/webhooks.py says what they read and how they are
proven): thin views, the work is in messaging.services."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from core.client_ip import client_ip

from . import services, webhooks

logger = logging.getLogger(__name__)

HOOK_GROUP = "hooks:sms"


def hook_rate(group: str, request: HttpRequest) -> str:
    """Calls per gateway address (SMS_WEBHOOK_RATE, 3000 a minute by default)."""
    return str(getattr(settings, "SMS_WEBHOOK_RATE", "3000/m"))


def _webhook(
    handle: Callable[[HttpRequest, list[dict[str, object]]], dict[str, object]],
) -> Callable[..., HttpResponse]:
    """The checks every webhook makes, in order: the rate, the size, the proof (signature or
    token), the body's shape; then `handle(request, objects)` answers 200 with its JSON."""

    @csrf_exempt
    @login_not_required
    @never_cache
    @require_POST
    @ratelimit(group=HOOK_GROUP, key="ip", rate=hook_rate, block=False)
    def view(request: HttpRequest, token: str | None = None) -> HttpResponse:
        if getattr(request, "limited", False):
            return JsonResponse({"error": "rate limited"}, status=429)
        try:
            body = request.body
        except RequestDataTooBig:
            return JsonResponse({"error": "too large"}, status=413)
        if len(body) > webhooks.MAX_BODY:
            return JsonResponse({"error": "too large"}, status=413)
        if not webhooks.proof_is_valid(
            body=body, signature=request.META.get(webhooks.SIGNATURE_HEADER, ""), token=token
        ):
            logger.warning(
                "SMS webhook %s refused from %s: %s",
                request.path if token is None else request.path.replace(token, "…"),
                client_ip(request),
                "bad token" if token is not None else "bad or missing signature",
            )
            return JsonResponse({"error": "forbidden"}, status=403)
        try:
            objects = webhooks.read_objects(body, request.content_type or "")
            return JsonResponse(handle(request, objects))
        except webhooks.BadPayload as error:
            logger.warning("SMS webhook %s: malformed body (%s)", handle.__name__, error)
            return JsonResponse({"error": f"malformed: {error}"}, status=400)

    view.__name__ = view.__qualname__ = handle.__name__
    view.__doc__ = handle.__doc__
    return view


def _delivery(request: HttpRequest, objects: list[dict[str, object]]) -> dict[str, object]:
    """Delivery reports: each recipient's (or SMS to a number's) status."""
    reports, ignored = webhooks.delivery_reports(objects)
    for reason in ignored:
        logger.warning("SMS delivery report left out: %s", reason)
    tally = services.delivery_reports_record(reports)
    return {
        "updated": tally.updated,
        "unchanged": tally.unchanged,
        "unknown": tally.unknown,
        "ignored": len(ignored),
        "suppressed": tally.suppressed,
    }


def _inbound(request: HttpRequest, objects: list[dict[str, object]]) -> dict[str, object]:
    """A reply by SMS: STOP withdraws marketing by SMS; anything else is only logged."""
    sender, text = webhooks.inbound_reply(objects)
    outcome = services.stop_reply_record(mobile=sender, text=text)
    if not outcome.is_stop:
        logger.info(
            "SMS reply from …%s that is no stop word (%d characters): nothing changed",
            sender[-4:],
            len(text),
        )
    elif not outcome.customers:
        logger.info("STOP reply from …%s, a number of no customer: nothing changed", sender[-4:])
    return {
        "stop": outcome.is_stop,
        "withdrawn": outcome.withdrawn,
        "confirmed": outcome.confirmation is not None,
    }


delivery = _webhook(_delivery)
inbound = _webhook(_inbound)
