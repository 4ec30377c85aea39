from django.urls import include, path

from . import views, views_lookup, views_steward

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("lookup/", views_lookup.customer_lookup, name="lookup"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/modify/", views.request_modify, name="request_modify"),
    path("forms/", views.request_list, name="request_list"),
    path("steward/", views_steward.steward_designation, name="steward"),
    path("forms/new/", views.request_new, name="request_new"),
    path("forms/<int:pk>/", views.request_detail, name="request_detail"),
    path("forms/<int:pk>/pdf/", views.request_pdf, name="request_pdf"),
    path("forms/<int:pk>/<str:action>/", views.request_action, name="request_action"),
    path("", include("customers.urls_data")),
    path("", include("customers.urls_stats")),
]
