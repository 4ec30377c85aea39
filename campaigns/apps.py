from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Marketing campaigns")
    # Included by crm_site/urls.py; the agency's upload page needs no login.
    urls = {"campaigns/": "campaigns.urls", "agency/": "campaigns.urls_public"}

    def ready(self) -> None:
        from association.roles import register_grants
        from core.demo import DemoLoader, register_demo_loader

        from . import registrations, tasks  # noqa: F401  (navigation, «عملي», the e-mail)
        from .demo import load_demo_campaigns
        from .roles import GRANTS

        register_grants(self.label, GRANTS)
        register_demo_loader(
            DemoLoader(
                "campaigns",
                load_demo_campaigns,
                after=(
                    "customers",
                    "programmes",
                    "reports",
                    "complaints",
                    "opportunities.pipeline",
                    "links",
                ),
                message="Created {created} demo campaigns.",
            )
        )
