from django.urls import include, path

from . import views

app_name = "opportunities"

urlpatterns = [
    path("", views.board, name="board"),
    path("list/", views.opportunity_list, name="list"),
    path("new/", views.opportunity_create, name="create"),
    path("<int:pk>/", views.opportunity_detail, name="detail"),
    path("<int:pk>/contacts/", views.log_contact, name="log_contact"),
    path("<int:pk>/probability/", views.update_probability, name="update_probability"),
    path("<int:pk>/donors/", views.add_donor, name="add_donor"),
    path("<int:pk>/pledge/", views.pledge_file, name="pledge_file"),
    path("<int:pk>/move/<str:transition>/", views.move, name="move"),
    path("contacts/pending/", views.contacts_pending, name="contacts_pending"),
    path("contacts/<int:pk>/<str:decision>/", views.contact_decide, name="contact_decide"),
    path("donors/<int:pk>/interests/", views.donor_interests, name="donor_interests"),
    path("donors/<int:pk>/contacts/new/", views.donor_contact_new, name="donor_contact_new"),
    path("", include("opportunities.urls_donations")),
    path("", include("opportunities.urls_problems")),
]
