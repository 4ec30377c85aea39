from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .navigation import navigation_for, public_links


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    context: dict[str, Any] = {
        "association_name": settings.ASSOCIATION_NAME,
        "public_links": public_links,  # called by the public pages' bar only
    }
    if user is not None and user.is_authenticated:
        context["navigation"] = navigation_for(user)
    return context
