"""The public pages of the support requests: the online request, the thank-you page with
the tracking number, and the status page (no login)."""

from django.urls import path

from . import views_public

app_name = "support_public"

urlpatterns = [
    path("", views_public.request_new, name="request_new"),
    path("thanks/", views_public.filed, name="thanks"),
    path("status/", views_public.status, name="status"),
]
