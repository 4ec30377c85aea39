"""The staff's pages of the surveys."""

from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("new/", views.round_create, name="round_create"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("<int:pk>/steps/<slug:action>/", views.round_step, name="round_step"),
    path("<int:pk>/form/", views.version_revise, name="version_revise"),
    path("<int:pk>/paper/", views.paper_entry, name="paper_entry"),
    path("<int:pk>/invitations/", views.invitations, name="invitations"),
    path("<int:pk>/centres/<int:centre_pk>/poster.pdf", views.poster, name="poster"),
]
