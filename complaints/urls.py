from django.urls import path

from . import urls_analysis, urls_faq, views, views_register

app_name = "complaints"

# The FAQ and analysis pages live in their own modules; their paths start with a word, so
# they never meet the "<int:pk>/" case paths.
urlpatterns = [
    path("", views_register.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/<str:action>/", views.case_action, name="action"),
    *urls_faq.urlpatterns,
    *urls_analysis.urlpatterns,
]
