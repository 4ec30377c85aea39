"""The URLconf of `manage.py bench` only (ROOT_URLCONF overridden while it measures): the
site's URLs and the two floor pages (reports.views_bench). The site never serves these."""

from django.urls import path

from crm_site.urls import urlpatterns as site_urlpatterns

from . import views_bench

urlpatterns = [
    path("bench-floor/<int:pk>/", views_bench.floor, name="bench_floor"),
    path("bench-floor/<int:pk>/layout/", views_bench.floor_in_layout, name="bench_floor_layout"),
    *site_urlpatterns,
]
