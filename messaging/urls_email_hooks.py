"""The e-mail provider's tracking webhooks under /hooks/email/ (django-anymail: one per
provider, e.g. /hooks/email/postmark/tracking/; its inbound-mail webhooks are not mounted).
No login, no CSRF token: proven by HTTP basic auth with ANYMAIL's WEBHOOK_SECRET (and by the
provider's own signature where anymail checks one). Without a WEBHOOK_SECRET, or with the
provider's keys missing, every call is refused (403): anymail alone would accept them. The
events reach messaging.email_tracking through anymail's `tracking` signal."""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from anymail import urls as anymail_urls
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import URLPattern, path
from django.views.decorators.csrf import csrf_exempt

logger = logging.getLogger(__name__)

app_name = "email_hooks"


def _webhook_secret() -> Any:
    return settings.ANYMAIL.get("WEBHOOK_SECRET") or getattr(
        settings, "ANYMAIL_WEBHOOK_SECRET", None
    )


def _refused_unless_configured(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _webhook_secret():
            return HttpResponseForbidden()
        try:
            return view(request, *args, **kwargs)
        except ImproperlyConfigured as error:  # the provider's own keys are missing
            logger.error("E-mail tracking webhook refused: %s", error)
            return HttpResponseForbidden()

    return csrf_exempt(guarded)


def _tracking(pattern: URLPattern) -> bool:
    # SendinBlue's URLs are anymail's deprecated alias of Brevo's.
    name = str(pattern.name or "")
    return bool(name) and "inbound" not in name and not name.startswith("sendinblue")


urlpatterns = [
    path(str(pattern.pattern), _refused_unless_configured(pattern.callback), name=str(pattern.name))
    for pattern in anymail_urls.urlpatterns
    if isinstance(pattern, URLPattern) and _tracking(pattern)
]
