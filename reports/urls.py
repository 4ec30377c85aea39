"""The reports archive, production and review pages."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("produce/", views.report_produce, name="produce"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/status/", views.report_status, name="status"),
    path("<int:pk>/pdf/", views.report_pdf, name="pdf"),
    path("<int:pk>/xlsx/", views.report_xlsx, name="xlsx"),
    path("<int:pk>/retry/", views.report_retry, name="retry"),
    path("<int:pk>/review/", views.report_review, name="review"),
    path("<int:pk>/review-record.pdf", views.report_review_pdf, name="review_pdf"),
    path("<int:pk>/decide/", views.report_decide, name="decide"),
    path("<int:pk>/archive/", views.report_archive, name="archive"),
    path(
        "<int:pk>/recommendations/<int:recommendation_pk>/<str:decision>/",
        views.report_recommendation_decide,
        name="recommendation_decide",
    ),
]
