"""The import of donations from the finance system. Included by opportunities/urls.py
inside the "opportunities" namespace: opportunities:donation_import,
opportunities:donation_import_preview, opportunities:donation_import_confirm. The other
donation pages are the finance app's (finance/urls.py)."""

from django.urls import path

from . import views_donations

urlpatterns = [
    path("donations/import/", views_donations.donation_import, name="donation_import"),
    path(
        "donations/import/<uuid:pk>/",
        views_donations.donation_import_preview,
        name="donation_import_preview",
    ),
    path(
        "donations/import/confirm/",
        views_donations.donation_import_confirm,
        name="donation_import_confirm",
    ),
]
