from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = _("Finance")
    # The donation pages kept their paths under /opportunities/ when they became finance's.
    urls = {"opportunities/": "finance.urls"}  # included by crm_site/urls.py

    def ready(self):
        from association.roles import register_grants

        # Navigation items, the donations panel of a customer's profile and what donations
        # add to a programme's funding.
        from . import registrations, segment_criteria  # noqa: F401  (and messaging's segments)
        from .roles import GRANTS

        register_grants(self.label, GRANTS)
