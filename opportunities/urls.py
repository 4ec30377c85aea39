from django.urls import include, path

from . import views, views_contacts

app_name = "opportunities"

urlpatterns = [
    path("", views.board, name="board"),
    path("list/", views.opportunity_list, name="list"),
    path("new/", views.opportunity_create, name="create"),
    path("<int:pk>/", views.opportunity_detail, name="detail"),
    path("<int:pk>/contacts/", views.log_contact, name="log_contact"),
    path("<int:pk>/probability/", views.update_probability, name="update_probability"),
    path("<int:pk>/donors/", views.add_donor, name="add_donor"),
    path("<int:pk>/edit/", views.opportunity_correct, name="correct"),
    path("<int:pk>/pledge/", views.pledge_file, name="pledge_file"),
    path("<int:pk>/move/<str:transition>/", views.move, name="move"),
    path("contacts/pending/", views_contacts.contacts_pending, name="contacts_pending"),
    path("contacts/<int:pk>/", views_contacts.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/made/", views_contacts.contact_record_made, name="contact_made"),
    path(
        "contacts/<int:pk>/<str:decision>/",
        views_contacts.contact_decide,
        name="contact_decide",
    ),
    path(
        "donors/<int:pk>/contacts/request/",
        views_contacts.donor_contact_request,
        name="donor_contact_request",
    ),
    path(
        "donors/<int:pk>/point-of-contact/propose/",
        views_contacts.designation_propose,
        name="designation_propose",
    ),
    path("designations/", views_contacts.designation_list, name="designation_list"),
    path(
        "designations/<int:pk>/",
        views_contacts.designation_detail,
        name="designation_detail",
    ),
    path(
        "designations/<int:pk>/<str:decision>/",
        views_contacts.designation_decide,
        name="designation_decide",
    ),
    path("donors/<int:pk>/interests/", views.donor_interests, name="donor_interests"),
    path("donors/<int:pk>/contacts/new/", views.donor_contact_new, name="donor_contact_new"),
    path("", include("opportunities.urls_donations")),
    path("", include("opportunities.urls_problems")),
]
