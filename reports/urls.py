"""The reports archive, production and review pages (helpers fill views.py)."""

app_name = "reports"

urlpatterns = []
