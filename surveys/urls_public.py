"""The public's answer pages (no login): a centre's link or QR code, a personal invitation,
the thank-you page."""

from django.urls import path

from . import public_views

app_name = "surveys_public"

urlpatterns = [
    path("thanks/", public_views.thanks, name="thanks"),
    path("i/<str:token>/", public_views.invitation, name="invitation"),
    path("<str:token>/", public_views.answer, name="answer"),
]
