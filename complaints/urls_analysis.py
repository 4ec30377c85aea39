"""Analysis pages: register export, recurring groups, recommendations (manual 5.1.6-5.1.8)."""

from django.urls import path

from . import views_analysis, views_register, views_reviews, views_solutions

urlpatterns = [
    path("export/", views_register.case_export, name="export"),
    path("recurring/", views_analysis.recurring_list, name="recurring"),
    path("recurring/group/", views_analysis.recurring_detail, name="recurring_detail"),
    path("recurring/solutions/new/", views_solutions.solution_new, name="solution_new"),
    path("recurring/solutions/<int:pk>/", views_solutions.solution_detail, name="solution_detail"),
    path(
        "recurring/solutions/<int:pk>/monitor/",
        views_solutions.solution_monitor,
        name="solution_monitor",
    ),
    path("recurring/solutions/<int:pk>/edit/", views_solutions.solution_edit, name="solution_edit"),
    path("recommendations/", views_analysis.recommendation_list, name="recommendations"),
    path("register-reviews/", views_reviews.register_review_list, name="register_reviews"),
    path(
        "register-reviews/<str:department>/<str:week>/",
        views_reviews.register_review_week,
        name="register_review",
    ),
    path("recommendations/new/", views_analysis.recommendation_new, name="recommendation_new"),
    path(
        "recommendations/<int:pk>/",
        views_analysis.recommendation_detail,
        name="recommendation_detail",
    ),
    path(
        "recommendations/<int:pk>/<str:action>/",
        views_analysis.recommendation_action,
        name="recommendation_action",
    ),
]
