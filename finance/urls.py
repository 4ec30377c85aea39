"""Donations from the finance system, mounted under /opportunities/ where they always were
(their paths did not move with the code): finance:donation_list, finance:donations_unmatched,
finance:donation_match, finance:donation_unmatch. The import's pages are in
opportunities/urls_donations.py."""

from django.urls import path

from . import views

app_name = "finance"

urlpatterns = [
    path("donations/", views.donation_list, name="donation_list"),
    path("donations/unmatched/", views.donations_unmatched, name="donations_unmatched"),
    path("donations/<int:pk>/match/", views.donation_match, name="donation_match"),
    path("donations/<int:pk>/unmatch/", views.donation_unmatch, name="donation_unmatch"),
]
