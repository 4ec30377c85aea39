"""The manual's pages (/manual/…)."""

from django.urls import path

from . import views

app_name = "manual"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("access/", views.access, name="access"),
    path("access/<int:pk>/decide/", views.access_decide, name="access_decide"),
    path("delegations/new/", views.delegation_create, name="delegation_create"),
    path("<slug:key>/", views.document, name="document"),
    path("<slug:key>/access/", views.access_request, name="access_request"),
    path("<slug:key>/section/<str:number>/", views.section, name="section"),
    path("<slug:key>/v/<int:serial>/", views.version, name="version"),
    path("<slug:key>/v/<int:serial>/pdf/", views.version_pdf, name="version_pdf"),
    # A new version (1.5, 1.12): the controller prepares it, the secretary approves it.
    path("<slug:key>/drafts/new/", views.draft_start, name="draft_start"),
    path(
        "<slug:key>/v/<int:serial>/section/<str:number>/edit/",
        views.section_edit,
        name="section_edit",
    ),
    path("<slug:key>/v/<int:serial>/changes/new/", views.change_add, name="change_add"),
    path("<slug:key>/v/<int:serial>/submit/", views.version_submit, name="version_submit"),
    path("<slug:key>/v/<int:serial>/approve/", views.version_approve, name="version_approve"),
]
