from core.errors import ServiceError


class LinkError(ServiceError):
    """A tracked link the service refuses (a target outside the site and the allow-list)."""
