"""The public's pages, no login: file a case, look its status up, read the FAQ."""

app_name = "public"

urlpatterns = []
