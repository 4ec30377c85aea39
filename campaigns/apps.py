from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Marketing campaigns")
    # Included by crm_site/urls.py; the agency's upload page needs no login.
    urls = {"campaigns/": "campaigns.urls", "agency/": "campaigns.urls_public"}

    def ready(self) -> None:
        from association import roles
        from association.roles import register_grants
        from core.demo import DemoLoader, register_demo_loader
        from reports.kinds import QUARTER, ReportKind, register_report_kind
        from reports.models import ReportType

        from . import registrations, tasks  # noqa: F401  (navigation, «عملي», the e-mail)
        from .demo import load_demo_campaigns
        from .roles import GRANTS

        register_grants(self.label, GRANTS)
        _register_segment_topic()
        _register_placements_topic()
        # The quarterly campaigns report to association management, produced by the reports
        # machinery (beat entry: migration 0003); read by management, the CRM manager and
        # resource development, archived once read (no departments' review).
        register_report_kind(
            ReportKind(
                ReportType.QUARTERLY_CAMPAIGNS,
                document="campaigns.report.QuarterlyCampaignsReport",
                readers=frozenset(
                    {roles.MANAGEMENT, roles.CRM_MANAGER, roles.RESOURCE_DEVELOPMENT}
                ),
                period=QUARTER,
            )
        )
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


def _register_placements_topic() -> None:
    """campaigns.evaluation.placements_and_links' rows: renewed when a placement or a
    tracked link is saved or deleted."""
    from core.cache import register_topic
    from links.models import TrackedLink

    from .evaluation import PLACEMENTS_TOPIC
    from .models import Placement

    register_topic(PLACEMENTS_TOPIC, Placement, TrackedLink, form_options=False)


def _register_segment_topic() -> None:
    """campaigns.selectors.campaign_segment's rows: a campaign's cities, centres, interests
    and programmes, renewed when its choices or one of those rows change."""
    from association.models import Centre, City
    from core.cache import register_topic
    from programmes.models import Programme, ProgrammeCategory

    from .models import CAMPAIGN_RELATIONS, Campaign
    from .selectors import SEGMENT_TOPIC

    register_topic(
        SEGMENT_TOPIC,
        City,
        Centre,
        ProgrammeCategory,
        Programme,
        m2m_through=[getattr(Campaign, name).through for name in CAMPAIGN_RELATIONS],
        form_options=False,
    )
