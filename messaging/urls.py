from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("", views.message_list, name="message_list"),
    path("new/", views.message_create, name="message_create"),
    path("<int:pk>/", views.message_detail, name="message_detail"),
    path("<int:pk>/step/<slug:action>/", views.message_step, name="message_step"),
    path("<int:pk>/test/", views.message_test_send, name="message_test_send"),
    path("<int:pk>/progress/", views.message_progress, name="message_progress"),
    path("audience/", views.audience_fragment, name="audience"),
    path("segments/", views.segment_list, name="segment_list"),
    path("segments/new/", views.segment_create, name="segment_create"),
    path("segments/<int:pk>/", views.segment_detail, name="segment_detail"),
    path("segments/<int:pk>/edit/", views.segment_edit, name="segment_edit"),
]
