from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

PLACES_TOPIC = "places"


class AssociationConfig(AppConfig):
    name = "association"
    verbose_name = _("Association structure")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from core.cache import register_topic
        from core.demo import DemoLoader, register_demo_loader

        from .demo import ASSOCIATION_DEMO, load_demo_data
        from .models import Centre, City, Department
        from .roles import GRANTS, register_grants, sync_role_groups_after_migrate

        register_grants(self.label, GRANTS)
        # Cities, centres and departments: the options of every filter and form, and the
        # names of statistics, read from the cache (core.cache) until one of them changes.
        register_topic(PLACES_TOPIC, City, Centre, Department)
        # The holidays' and staff profiles' topics: connected in every process (a worker
        # or a command that changes them renews them for the web processes too).
        from . import selectors, workdays  # noqa: F401

        # The structure and one user per role: every other app's demo builds on them (the
        # load_demo_data command reports the users it created).
        register_demo_loader(DemoLoader(ASSOCIATION_DEMO, load_demo_data))
        # Later apps add permissions in their own migrations; this hands each new
        # permission to the roles that need it, after every migrate.
        post_migrate.connect(sync_role_groups_after_migrate, sender=self)
