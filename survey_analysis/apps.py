from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveyAnalysisConfig(AppConfig):
    name = "survey_analysis"
    verbose_name = _("Survey analysis and follow-up")
    # Under the surveys' own prefix: the analysis of a round, its documents, the treatment
    # steps and the success stories (surveys.urls keeps the other paths).
    urls = {"surveys/": "survey_analysis.urls"}

    def ready(self) -> None:
        from association.roles import register_grants
        from core.demo import DemoLoader, register_demo_loader

        from . import registrations, tasks  # noqa: F401  (gates, panels, «عملي», jobs)
        from .demo import load_demo_survey_results
        from .roles import GRANTS

        register_grants(self.label, GRANTS)
        register_demo_loader(
            DemoLoader(
                "survey_analysis",
                load_demo_survey_results,
                after=("surveys", "opportunities.pipeline", "messaging"),
                message="Created {created} finished demo survey rounds.",
            )
        )
