from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes and activities portfolio")

    def ready(self):
        from . import (
            registrations,  # noqa: F401  (navigation items)
            tasks,  # noqa: F401  (its background job kinds)
        )
