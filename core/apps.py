from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Shared tools")
    # Background jobs (imports, large entries): their progress page and status.
    urls = {"jobs/": "core.urls"}  # included by crm_site/urls.py

    def ready(self) -> None:
        # After the admin's autodiscovery (AdminConfig comes first in INSTALLED_APPS):
        # django-celery-beat's schedules described in Arabic.
        from . import celery_beat_admin

        celery_beat_admin.register()

        from django.db.models.signals import post_migrate

        from .auth import register_permission_topic
        from .cache import bump_all

        register_permission_topic()
        # «عملي» from the cache, renewed by any write of a project app's rows.
        from .mywork import register_work_topic

        register_work_topic()
        # Rows written by migrations (and the role groups synced after them) bypass the
        # signals' topics: every cached read starts again.
        post_migrate.connect(bump_all, dispatch_uid="core.cache.bump_all")


class AdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with core.admin.AdminSite as admin.site: its forms read Arabic
    digits and day-first dates like the rest of the project. Installed in INSTALLED_APPS
    in place of "django.contrib.admin"."""

    default = False  # "core" itself is CoreConfig
    default_site = "core.admin.AdminSite"


class AxesConfig(axes_apps.AppConfig):
    """django-axes under an Arabic name: it ships none, so the admin showed "AXES".
    Installed in INSTALLED_APPS in place of "axes"."""

    default = False  # "core" itself is CoreConfig
    verbose_name = _("Login lockouts")
