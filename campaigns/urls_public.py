"""The advertising agency's page, no login: its proposals through the private link."""

from django.urls import path

from . import public_views

app_name = "agency"

urlpatterns = [path("proposals/", public_views.agency_upload, name="upload")]
