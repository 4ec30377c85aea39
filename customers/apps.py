from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers and their data")

    def ready(self):
        from . import (
            registrations,  # noqa: F401  (navigation items and my-work providers)
            tasks,  # noqa: F401  (its background job kinds)
        )
