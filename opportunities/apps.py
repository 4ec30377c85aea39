from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "opportunities"
    verbose_name = _("Opportunities and funding")
    urls = {"opportunities/": "opportunities.urls"}  # included by crm_site/urls.py

    def ready(self):
        from association.roles import register_grants
        from core.demo import DemoLoader, register_demo_loader

        # Navigation items, my-work providers and profile panels (the problems register's
        # too), and the background job kinds of the finance import.
        from . import problem_registrations, registrations, segment_criteria, tasks  # noqa: F401
        from .demo import load_demo_donor_contacts
        from .pipeline_demo import load_demo_pipeline
        from .problems_demo import load_demo_problems
        from .roles import GRANTS

        register_grants(self.label, GRANTS)
        # The donors' points of contact, then the problems: one of them is about the
        # opportunity seeded from last period's portfolio cycle.
        register_demo_loader(
            DemoLoader("opportunities", load_demo_donor_contacts, after=("customers",))
        )
        register_demo_loader(
            DemoLoader(
                "opportunities.problems",
                load_demo_problems,
                after=("opportunities", "programmes"),
                message="Created the demo donor-relationship problems.",
            )
        )
        # An opportunity at every stage and the finance system's donations, matched or not.
        register_demo_loader(
            DemoLoader(
                "opportunities.pipeline",
                load_demo_pipeline,
                after=("opportunities.problems",),
                message="Created {created} demo opportunities and the demo donations.",
            )
        )
