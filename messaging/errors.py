from core.errors import ServiceError


class ConsentError(ServiceError):
    """A consent change refused (already translated)."""


class MessagingError(ServiceError):
    """A message refused at a step (already translated)."""
