from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes and activities portfolio")

    def ready(self):
        # Navigation, my work, and the background job kinds of the portfolio import.
        from . import cycle_registrations, registrations, tasks  # noqa: F401
