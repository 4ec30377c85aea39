"""The portfolio cycles and the programme proposals, under /programmes/ (namespace
"programmes", included by programmes/urls.py)."""

from django.urls import path

from . import views_cycles as views

urlpatterns = [
    path("cycles/", views.cycle_list, name="cycle_list"),
    path("cycles/hand-over/", views.cycle_handover, name="cycle_handover"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/review/", views.cycle_review, name="cycle_review"),
    path(
        "cycles/<int:pk>/programmes/<int:entry_pk>/donors/",
        views.cycle_donors,
        name="cycle_donors",
    ),
    path("cycles/<int:pk>/identify/", views.cycle_identify, name="cycle_identify"),
    path(
        "cycles/<int:pk>/programmes/<int:entry_pk>/opportunity/",
        views.cycle_seed,
        name="cycle_seed",
    ),
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/new/", views.proposal_create, name="proposal_create"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path(
        "proposals/<int:pk>/answer/<str:answer>/",
        views.proposal_answer,
        name="proposal_answer",
    ),
    path(
        "proposals/<int:pk>/programme/new/",
        views.proposal_create_programme,
        name="proposal_create_programme",
    ),
    path(
        "proposals/<int:pk>/programme/link/",
        views.proposal_link_programme,
        name="proposal_link_programme",
    ),
]
