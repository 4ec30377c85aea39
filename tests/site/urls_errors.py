"""A URLconf for the error-page tests: views that fail on purpose."""

from django.core.exceptions import PermissionDenied
from django.urls import include, path


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("deliberate failure for the 500 page test")


urlpatterns = [
    path("forbidden/", forbidden),
    path("broken/", broken),
    path("", include("crm_site.urls")),
]
