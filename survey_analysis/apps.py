from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveyAnalysisConfig(AppConfig):
    name = "survey_analysis"
    verbose_name = _("Survey analysis and follow-up")
    # Under the surveys' own prefix: the analysis of a round, its documents, the treatment
    # steps and the success stories (surveys.urls keeps the other paths).
    urls = {"surveys/": "survey_analysis.urls"}
