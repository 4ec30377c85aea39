"""The refusals of the support requests' services (already translated, for the person to
read)."""

from core.errors import ServiceError


class SupportRequestError(ServiceError):
    """A support request refused a step or a change (reception, documents, research,
    declaration, committee, registration, service)."""


class CommitteeError(ServiceError):
    """A committee meeting or its agenda refused a change."""


class DeliveryError(ServiceError):
    """A delivery, a distribution day or a schedule refused a change (part B)."""
