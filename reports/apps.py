from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")
    urls = {"reports/": "reports.urls"}  # included by crm_site/urls.py

    def ready(self):
        from association.roles import register_grants
        from core.demo import DemoLoader, register_demo_loader

        from . import registrations  # noqa: F401  (navigation items and my-work providers)
        from .demo import load_demo_reports
        from .documents import register_own_kinds
        from .roles import GRANTS

        register_grants(self.label, GRANTS)
        register_own_kinds()  # the weekly and monthly reports (reports.kinds)
        # The recipients are demo users.
        register_demo_loader(DemoLoader("reports", load_demo_reports, after=("association",)))
