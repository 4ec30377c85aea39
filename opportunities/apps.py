from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "opportunities"
    verbose_name = _("Opportunities and funding")

    def ready(self):
        # Navigation items, my-work providers and profile panels (the problems register's
        # too), and the background job kinds of the finance import.
        from . import problem_registrations, registrations, tasks  # noqa: F401
