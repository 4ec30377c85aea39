"""Customer statistics URLs. No app_name: customers/urls.py includes these patterns in the
`customers` namespace (customers:statistics, customers:statistics_xlsx)."""

from django.urls import path

from . import views_stats

urlpatterns = [
    path("statistics/", views_stats.customer_statistics, name="statistics"),
    path("statistics/xlsx/", views_stats.customer_statistics_xlsx, name="statistics_xlsx"),
]
