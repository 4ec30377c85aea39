"""Donations from the finance system. Included by opportunities/urls.py inside the
"opportunities" namespace: opportunities:donation_list, opportunities:donation_import,
opportunities:donation_import_confirm, opportunities:donations_unmatched,
opportunities:donation_match, opportunities:donation_unmatch."""

from django.urls import path

from . import views_donations

urlpatterns = [
    path("donations/", views_donations.donation_list, name="donation_list"),
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
    path("donations/unmatched/", views_donations.donations_unmatched, name="donations_unmatched"),
    path("donations/<int:pk>/match/", views_donations.donation_match, name="donation_match"),
    path("donations/<int:pk>/unmatch/", views_donations.donation_unmatch, name="donation_unmatch"),
]
