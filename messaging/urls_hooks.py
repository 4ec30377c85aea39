"""The SMS gateway's webhooks under /hooks/sms/ (no login, no CSRF token; signed, or with the
token of settings.SMS_WEBHOOK_TOKEN at the end of the path): messaging/webhooks.py."""

from django.urls import path

from . import views_hooks

app_name = "hooks"

urlpatterns = [
    path("sms/delivery/", views_hooks.delivery, name="sms_delivery"),
    path("sms/delivery/<str:token>/", views_hooks.delivery, name="sms_delivery_token"),
    path("sms/inbound/", views_hooks.inbound, name="sms_inbound"),
    path("sms/inbound/<str:token>/", views_hooks.inbound, name="sms_inbound_token"),
]
