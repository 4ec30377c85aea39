app_name = "survey_analysis"

urlpatterns: list = []
