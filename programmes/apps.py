from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes and activities portfolio")
    urls = {"programmes/": "programmes.urls"}  # included by crm_site/urls.py

    def ready(self):
        from association.roles import register_grants
        from core.demo import DemoLoader, register_demo_loader

        # Navigation, my work, and the background job kinds of the portfolio import.
        from . import cycle_registrations, registrations, tasks  # noqa: F401
        from .demo import load_demo_portfolio
        from .roles import GRANTS

        register_grants(self.label, GRANTS)
        # The cycles' potential donors are demo customers.
        register_demo_loader(
            DemoLoader(
                "programmes",
                load_demo_portfolio,
                after=("customers",),
                message="Created the demo portfolio cycles.",
            )
        )
