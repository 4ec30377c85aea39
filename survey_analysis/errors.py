from core.errors import ServiceError


class SurveyAnalysisError(ServiceError):
    """A refused write of the survey follow-up (findings, treatment steps, the decision,
    documents, success stories), already translated for the person to read."""
