"""The refusals of the manual's services (already translated, for the person to read)."""

from core.errors import ServiceError


class ManualError(ServiceError):
    """The manual refused a step: reading access, a delegation, a version or its sections."""
