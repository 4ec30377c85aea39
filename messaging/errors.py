from core.errors import ServiceError


class ConsentError(ServiceError):
    """A consent change refused (already translated)."""
