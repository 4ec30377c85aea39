"""The public pages of the support requests: the online request and its status page
(no login). Part B (helper "support-b") fills this list."""

from django.urls import path  # noqa: F401  (part B's patterns)

app_name = "support_public"

urlpatterns: list = []
