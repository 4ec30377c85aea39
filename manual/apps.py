from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ManualConfig(AppConfig):
    name = "manual"
    verbose_name = _("The manual")
    # Included by crm_site/urls.py.
    urls = {"manual/": "manual.urls"}

    def ready(self) -> None:
        from association.roles import register_grants
        from core.demo import DemoLoader, register_demo_loader

        from . import registrations  # noqa: F401  (navigation, «عملي»)
        from .demo import load_demo_manual
        from .roles import GRANTS

        register_grants(self.label, GRANTS)
        register_demo_loader(
            DemoLoader(
                "manual",
                load_demo_manual,
                after=("association",),
                message="Loaded {created} manual documents.",
            )
        )
