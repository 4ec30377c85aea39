"""The refusals of the campaigns app's services, one class per kind of record."""

from core.errors import ServiceError


class PlanError(ServiceError):
    """A refused step or change of the annual marketing plan."""


class CampaignError(ServiceError):
    """A refused step or change of a campaign, its proposals, programme or launch."""


class AgencyLinkError(ServiceError):
    """The agency's upload link is tampered with, expired or no longer open."""
