from django.urls import path

from . import views, views_evaluation

app_name = "campaigns"

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/calendar/", views.plan_calendar, name="plan_calendar"),
    path("plans/<int:pk>/coordinate/", views.plan_coordinate, name="plan_coordinate"),
    path("plans/<int:pk>/step/<slug:action>/", views.plan_step, name="plan_step"),
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path(
        "<int:pk>/evaluation/",
        views_evaluation.campaign_evaluation,
        name="campaign_evaluation",
    ),
    path("<int:pk>/brief.pdf", views.brief_pdf, name="brief_pdf"),
    path("<int:pk>/step/<slug:action>/", views.campaign_step, name="campaign_step"),
    path("<int:pk>/proposals/", views.proposal_upload, name="proposal_upload"),
    path("<int:pk>/proposals/<int:version>/", views.proposal_file, name="proposal_file"),
    path("<int:pk>/placements/", views.placement_add, name="placement_add"),
    path(
        "<int:pk>/placements/<int:placement_pk>/remove/",
        views.placement_remove,
        name="placement_remove",
    ),
    path("<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.evidence_photo, name="evidence_photo"),
]
