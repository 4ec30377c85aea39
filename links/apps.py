from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinksConfig(AppConfig):
    name = "links"
    verbose_name = _("Tracked links")
    # /c/<code>: the public short links (no login); /links/: the staff's pages.
    urls = {"c/": "links.urls_public", "links/": "links.urls"}

    def ready(self) -> None:
        from association.roles import register_grants
        from core.demo import DemoLoader, register_demo_loader

        from . import registrations  # noqa: F401  (navigation, first touch, outcomes)
        from .demo import load_demo_links
        from .roles import GRANTS

        register_grants(self.label, GRANTS)
        register_demo_loader(
            DemoLoader(
                "links",
                load_demo_links,
                after=("complaints",),
                message="Created {created} demo tracked links.",
            )
        )
