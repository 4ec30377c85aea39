"""Export and import of the customer list. Included by customers/urls.py inside the
"customers" namespace: customers:export_xlsx, customers:export_csv, customers:import,
customers:import_preview, customers:import_confirm."""

from django.urls import path

from . import views_data

urlpatterns = [
    path("export.xlsx", views_data.export_xlsx, name="export_xlsx"),
    path("export.csv", views_data.export_csv, name="export_csv"),
    path("import/", views_data.import_upload, name="import"),
    path("import/<uuid:pk>/", views_data.import_preview, name="import_preview"),
    path("import/confirm/", views_data.import_confirm, name="import_confirm"),
]
