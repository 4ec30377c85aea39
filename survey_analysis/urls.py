from django.urls import path

from . import views

app_name = "survey_analysis"

urlpatterns = [
    path("<int:pk>/analysis/", views.round_analysis, name="round_analysis"),
    path("<int:pk>/findings/", views.findings_save, name="findings_save"),
    path("<int:pk>/treatment-steps/", views.action_add, name="action_add"),
    path("<int:pk>/decision/", views.decision_save, name="decision_save"),
    path(
        "<int:pk>/documents/<slug:kind>/produce/",
        views.document_produce,
        name="document_produce",
    ),
    path(
        "<int:pk>/documents/<slug:kind>/",
        views.document_download,
        name="document_download",
    ),
    path("<int:pk>/donors/", views.donor_invitations, name="donor_invitations"),
    path("treatment-steps/<int:pk>/", views.action_detail, name="action_detail"),
    path("success-stories/", views.story_list, name="story_list"),
    path("success-stories/new/", views.story_create, name="story_create"),
    path("success-stories/<int:pk>/", views.story_detail, name="story_detail"),
    path("success-stories/<int:pk>/<slug:step>/", views.story_step, name="story_step"),
]
