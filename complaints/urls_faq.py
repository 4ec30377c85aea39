"""FAQ pages for staff: propose, review, publish (manual 5.1.10)."""

urlpatterns = []
