from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints, inquiries and suggestions")

    def ready(self):
        from customers.signals import request_entered

        from . import registrations  # noqa: F401  (navigation items and my-work providers)
        from .services import link_registered_customer

        request_entered.connect(
            lambda sender, request, **kwargs: link_registered_customer(request=request),
            weak=False,
            dispatch_uid="complaints.link_registered_customer",
        )
