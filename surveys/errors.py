"""The refusals of the surveys' services (already translated, for the person to read)."""

from core.errors import ServiceError


class SurveyError(ServiceError):
    """A round, an instrument or an invitation refused a step or a change."""


class ResponseError(ServiceError):
    """An answer that cannot be written: closed round, used invitation, bad values."""
