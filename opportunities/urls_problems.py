"""The donor-relationship problems register, under /opportunities/problems/ (namespace
"opportunities", included by opportunities/urls.py)."""

from django.urls import path

from . import views_problems as views

urlpatterns = [
    path("problems/", views.problem_list, name="problem_list"),
    path("problems/new/", views.problem_create, name="problem_create"),
    path("problems/<int:pk>/", views.problem_detail, name="problem_detail"),
    path("problems/<int:pk>/actions/", views.problem_add_action, name="problem_add_action"),
    path("problems/<int:pk>/resolve/", views.problem_resolve, name="problem_resolve"),
    path("problems/<int:pk>/assign/", views.problem_assign, name="problem_assign"),
]
