"""Analysis pages: register export, recurring groups, recommendations (manual 5.1.6-5.1.8)."""

urlpatterns = []
