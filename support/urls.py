"""The staff's pages of the support requests: the queue, reception, the steps 1–5 and the
research committee (support.views); steps 6–7, the notice, the appeal, the statistics and
the export come from support/urls_service.py in the same namespace."""

from django.urls import include, path

app_name = "support"

urlpatterns = [
    path("", include("support.urls_service")),
]
