from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = _("Finance")

    def ready(self):
        # Navigation items, the donations panel of a customer's profile and what donations
        # add to a programme's funding.
        from . import registrations  # noqa: F401
