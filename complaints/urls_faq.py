"""FAQ pages for staff: propose, review, publish (manual 5.1.10); and the download of a
case's attachments. Included into the "complaints" namespace by complaints.urls; every path
starts with a word so it never meets the "<int:pk>/" case paths."""

from django.urls import path

from . import views, views_faq

urlpatterns = [
    path("faq/", views_faq.faq_list, name="faq_list"),
    path("faq/new/", views_faq.faq_new, name="faq_new"),
    path("faq/<int:pk>/", views_faq.faq_detail, name="faq_detail"),
    path("faq/<int:pk>/edit/", views_faq.faq_edit, name="faq_edit"),
    path("faq/<int:pk>/<str:action>/", views_faq.faq_action, name="faq_action"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
