"""/c/<code>: a tracked short link (no login)."""

from django.urls import path

from . import public_views

app_name = "shortlink"

urlpatterns = [path("<str:code>", public_views.follow, name="follow")]
