"""The programmes and activities portfolio, included at /programmes/ in the "programmes"
namespace."""

from django.urls import include, path

from . import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_create, name="create"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/edit/", views.programme_edit, name="edit"),
    path("import/", views.import_upload, name="import"),
    path("import/<uuid:pk>/", views.import_preview, name="import_preview"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("", include("programmes.urls_cycles")),
]
