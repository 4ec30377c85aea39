from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .navigation import navigation_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    context = {"association_name": settings.ASSOCIATION_NAME}
    if user is not None and user.is_authenticated:
        context["navigation"] = navigation_for(user)
    return context
