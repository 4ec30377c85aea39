"""The staff's pages of the support requests: the queue, reception, the steps 1–5 and the
research committee (support.views); steps 6–7, the notice, the appeal, the statistics and
the export come from support/urls_service.py in the same namespace."""

from django.urls import include, path

from . import views

app_name = "support"

urlpatterns = [
    path("", include("support.urls_service")),
    path("", views.request_list, name="request_list"),
    path("new/", views.request_create, name="request_create"),
    path("<int:pk>/", views.request_detail, name="request_detail"),
    path("<int:pk>/steps/<slug:action>/", views.request_step, name="request_step"),
    path("<int:pk>/correct/", views.request_correct, name="request_correct"),
    path("<int:pk>/household/", views.household_add, name="household_add"),
    path(
        "<int:pk>/household/<int:member_pk>/remove/",
        views.household_remove,
        name="household_remove",
    ),
    path("<int:pk>/documents/", views.documents_page, name="documents"),
    path("<int:pk>/research/", views.research_page, name="research"),
    path("<int:pk>/declaration.pdf", views.declaration_pdf, name="declaration_pdf"),
    path("<int:pk>/declaration/scan/", views.declaration_scan, name="declaration_scan"),
    path(
        "<int:pk>/documents/<int:check_pk>/scan/",
        views.document_scan,
        name="document_scan",
    ),
    path("committee/", views.meeting_list, name="meeting_list"),
    path("committee/new/", views.meeting_create, name="meeting_create"),
    path("committee/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("committee/<int:pk>/agenda/", views.meeting_add, name="meeting_add"),
    path(
        "committee/<int:pk>/agenda/<int:item_pk>/remove/",
        views.meeting_item_remove,
        name="meeting_item_remove",
    ),
    path(
        "committee/<int:pk>/agenda/<int:item_pk>/decide/",
        views.agenda_decide,
        name="agenda_decide",
    ),
    path("committee/<int:pk>/close/", views.meeting_close, name="meeting_close"),
    path("committee/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
]
