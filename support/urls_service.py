"""The staff's pages of step 6 and 7 (registration, deliveries, distribution days,
schedules), the decision notice, the appeal, the statistics and the export (part B),
included by support/urls.py in the "support" namespace."""

from django.urls import path

from . import views_service

urlpatterns = [
    path("<int:pk>/register/", views_service.register_applicant, name="register_applicant"),
    path("<int:pk>/link/", views_service.link_customer, name="link_customer"),
    path("<int:pk>/deliveries/add/", views_service.delivery_add, name="delivery_add"),
    path("<int:pk>/notice/", views_service.notice_send, name="notice_send"),
    path("<int:pk>/letter.pdf", views_service.letter_pdf, name="letter_pdf"),
    path("<int:pk>/appeal/", views_service.appeal, name="appeal"),
    path("<int:pk>/close/", views_service.close, name="close"),
    path("schedules/<int:pk>/", views_service.schedule_edit, name="schedule_edit"),
    path("distribution/", views_service.distribution_list, name="distribution_list"),
    path("distribution/new/", views_service.distribution_create, name="distribution_create"),
    path("distribution/<int:pk>/", views_service.distribution_detail, name="distribution_detail"),
    path(
        "distribution/<int:pk>/close/",
        views_service.distribution_close,
        name="distribution_close",
    ),
    path(
        "distribution/<int:pk>/entries/<int:delivery_pk>/remove/",
        views_service.distribution_undo,
        name="distribution_undo",
    ),
    path("statistics/", views_service.statistics_page, name="statistics"),
    path("statistics/export/", views_service.statistics_export, name="statistics_export"),
]
