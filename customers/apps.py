from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers and their data")
    urls = {"customers/": "customers.urls"}  # included by crm_site/urls.py

    def ready(self):
        from association.roles import register_grants
        from core.demo import DemoLoader, register_demo_loader

        from . import (
            profile_cache,  # noqa: F401  (its signals: every process renews kept profiles)
            registrations,  # noqa: F401  (navigation items and my-work providers)
            statistics,  # noqa: F401  (its cache topic: every process renews the counts)
            tasks,  # noqa: F401  (its background job kinds)
        )
        from .demo import load_demo_customers
        from .roles import GRANTS

        register_grants(self.label, GRANTS)
        register_demo_loader(
            DemoLoader(
                "customers",
                load_demo_customers,
                after=("association",),
                message="Created {created} demo customers.",
            )
        )
