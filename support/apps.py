from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Beneficiary support requests")
    # Included by crm_site/urls.py; the public request and status pages need no login.
    urls = {"support/": "support.urls", "public/support/": "support.urls_public"}

    def ready(self) -> None:
        from association.roles import register_grants
        from core.demo import DemoLoader, register_demo_loader

        from . import (
            registrations,  # noqa: F401  (navigation, «عملي», profile panel, timeline)
            report_section,  # noqa: F401  (its section of the monthly performance report)
        )
        from .demo import load_demo_support
        from .roles import GRANTS

        register_grants(self.label, GRANTS)
        register_demo_loader(
            DemoLoader(
                "support",
                load_demo_support,
                after=("customers", "complaints", "surveys"),
                message="Created {created} demo support requests.",
            )
        )
