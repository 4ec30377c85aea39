"""The base of every refusal a service gives its caller.

Each app's services raise their own subclass (complaints.errors.CaseError, FaqError, ...),
carrying a message already translated for the person who acted. A view that calls services
of one kind catches that kind; a view that calls several may catch ServiceError."""


class ServiceError(Exception):
    """A refusal the user should read (already translated)."""
