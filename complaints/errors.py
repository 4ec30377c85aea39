"""The refusals of the complaints services, one class per kind of record, so that a caller
catches what the function it calls can refuse. All derive from core.errors.ServiceError."""

from core.errors import ServiceError


class CaseError(ServiceError):
    """A step on a case refused (complaints.services)."""


class AttachmentError(ServiceError):
    """An uploaded file refused: its type, its size or the number of files
    (complaints.attachments)."""


class FaqError(ServiceError):
    """A change to the FAQ refused (complaints.faq)."""


class RecurringGroupError(ServiceError):
    """A recurring group's analysis refused (complaints.recurring)."""


class SolutionError(ServiceError):
    """A proposed solution or its monitoring refused (complaints.solutions)."""


class RecommendationError(ServiceError):
    """A recommendation, its decision or its implementation refused
    (complaints.recommendations)."""


class RegisterReviewError(ServiceError):
    """A weekly register review refused (complaints.register_reviews)."""
