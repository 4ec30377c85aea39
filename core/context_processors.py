from django.conf import settings

from .navigation import navigation_for


def navigation(request):
    user = getattr(request, "user", None)
    context = {"association_name": settings.ASSOCIATION_NAME}
    if user is not None and user.is_authenticated:
        context["navigation"] = navigation_for(user)
    return context
