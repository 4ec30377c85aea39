"""Pages of the background jobs: core:job_detail (progress, then where the job leads) and
core:job_status (its progress, for the bar). Only the person who started a job sees it."""

from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("<uuid:pk>/", views.job_detail, name="job_detail"),
    path("<uuid:pk>/status/", views.job_status, name="job_status"),
]
