from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Satisfaction surveys")
    # Included by crm_site/urls.py; the answer pages need no login.
    urls = {"surveys/": "surveys.urls", "public/surveys/": "surveys.urls_public"}

    def ready(self) -> None:
        from association.roles import register_grants
        from core.demo import DemoLoader, register_demo_loader

        from . import registrations, segment_criteria, signals  # noqa: F401  («عملي», navigation, the messaging segments' criterion, the hook)
        from .demo import load_demo_surveys
        from .roles import GRANTS

        register_grants(self.label, GRANTS)
        register_demo_loader(
            DemoLoader(
                "surveys",
                load_demo_surveys,
                after=("customers", "programmes", "complaints", "links"),
                message="Created {created} demo survey rounds.",
            )
        )
