from django.urls import path

from . import views

app_name = "links"

urlpatterns = [
    path("", views.link_list, name="list"),
    path("new/", views.link_create, name="create"),
    path("<int:pk>/", views.link_detail, name="detail"),
    path("<int:pk>/edit/", views.link_edit, name="edit"),
    path("<int:pk>/qr.svg", views.qr_svg, name="qr_svg"),
    path("<int:pk>/qr.png", views.qr_png, name="qr_png"),
    path("<int:pk>/poster.pdf", views.poster_pdf, name="poster"),
]
