"""The public unsubscribe page /u/<token>/ (no login)."""

from django.urls import path

from . import public_views

app_name = "unsubscribe"

urlpatterns = [
    path("<str:token>/", public_views.unsubscribe, name="page"),
]
