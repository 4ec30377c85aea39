from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssociationConfig(AppConfig):
    name = "association"
    verbose_name = _("Association structure")

    def ready(self):
        from django.db.models.signals import post_migrate

        from core.demo import DemoLoader, register_demo_loader

        from .demo import ASSOCIATION_DEMO, load_demo_data
        from .roles import GRANTS, register_grants, sync_role_groups_after_migrate

        register_grants(self.label, GRANTS)
        # The structure and one user per role: every other app's demo builds on them (the
        # load_demo_data command reports the users it created).
        register_demo_loader(DemoLoader(ASSOCIATION_DEMO, load_demo_data))
        # Later apps add permissions in their own migrations; this hands each new
        # permission to the roles that need it, after every migrate.
        post_migrate.connect(sync_role_groups_after_migrate, sender=self)
