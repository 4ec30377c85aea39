from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "opportunities"
    verbose_name = _("Opportunities and funding")

    def ready(self):
        from . import (
            registrations,  # noqa: F401  (navigation items and my-work providers)
            tasks,  # noqa: F401  (its background job kinds)
        )
