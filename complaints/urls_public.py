"""The public's pages, no login: file a case, look its status up, read the FAQ."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.generic import RedirectView

from . import public_views

app_name = "public"

urlpatterns = [
    path(
        "",
        login_not_required(RedirectView.as_view(pattern_name="public:file", permanent=False)),
        name="index",
    ),
    path("cases/new/", public_views.file_case, name="file"),
    path("cases/new/thanks/", public_views.filed, name="filed"),
    path("cases/track/", public_views.track, name="track"),
    path("faq/", public_views.faq, name="faq"),
]
