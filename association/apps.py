from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssociationConfig(AppConfig):
    name = "association"
    verbose_name = _("Association structure")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .roles import sync_role_groups_after_migrate

        # Later apps add permissions in their own migrations; this hands each new
        # permission to the roles that need it, after every migrate.
        post_migrate.connect(sync_role_groups_after_migrate, sender=self)
