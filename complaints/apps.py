from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints, inquiries and suggestions")
    # Included by crm_site/urls.py; the public's pages (no login): file a case, follow it,
    # read the FAQ.
    urls = {"complaints/": "complaints.urls", "public/": "complaints.urls_public"}

    def ready(self):
        from django.db.models.signals import post_delete

        from association.roles import register_grants
        from core.demo import DemoLoader, register_demo_loader
        from customers.signals import request_entered

        from . import registrations  # noqa: F401  (navigation items and my-work providers)
        from .demo import load_demo_cases
        from .roles import GRANTS
        from .services import link_registered_customer

        register_grants(self.label, GRANTS)
        register_demo_loader(
            DemoLoader(
                "complaints",
                load_demo_cases,
                after=("customers",),
                message="Created {created} demo cases.",
            )
        )
        post_delete.connect(
            _recount_deleted_case,
            sender="complaints.Case",
            dispatch_uid="complaints.recount_deleted_case",
        )
        request_entered.connect(
            lambda sender, request, **kwargs: link_registered_customer(request=request),
            weak=False,
            dispatch_uid="complaints.link_registered_customer",
        )


def _recount_deleted_case(sender, instance, **kwargs):
    """A deleted complaint leaves the roll-up of the recurring complaints."""
    from . import complaint_tallies

    complaint_tallies.refresh(complaint_tallies.buckets_of(instance))
