"""The messaging vocabulary shared by consent, segments and messages."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.consent import ConsentPurpose

# Notices about the person's own case or request are transactional: they ignore quiet
# hours, go out under the transactional sender name and need no approval.
TRANSACTIONAL_PURPOSES = frozenset({ConsentPurpose.SERVICE})


class MessageState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    PAUSED = "paused", _("Paused")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


class RecipientStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    CLAIMED = "claimed", _("Being sent")
    SENT = "sent", _("Handed to the gateway")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Not delivered")
    SKIPPED = "skipped", _("Not sent")
    UNCERTAIN = "uncertain", _("Interrupted while sending (not sent again)")


class SkipReason(models.TextChoices):
    NO_CONSENT = "no_consent", _("No consent for this purpose")
    SUPPRESSED = "suppressed", _("On the suppression list")
    NO_ADDRESS = "no_address", _("No valid mobile or email")
    DUPLICATE = "duplicate", _("Same number or address as another recipient")
    WITHDRAWN = "withdrawn", _("Consent withdrawn before sending")
    REFUSED = "refused", _("Refused by the gateway")
    CANCELLED = "cancelled", _("The message was cancelled")
