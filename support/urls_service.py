"""The staff's pages of step 6 and 7 (registration, deliveries, distribution days,
schedules), the decision notice, the appeal, the statistics and the export.

Part B (helper "support-b") fills this list; support/urls.py includes it in the "support"
namespace."""

from django.urls import path  # noqa: F401  (part B's patterns)

urlpatterns: list = []
