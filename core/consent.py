"""The words of consent to messages (PDPL: consent per channel and purpose), shared by the
customers app (its form proposes consents, its import reads them) and the messaging app (its
`Consent` records hold them). Vocabulary only: the records and their rules are in messaging.

A consent proposed on a customer information form is a dict `{pair key: given}` over the
channels offered in forms and every purpose, e.g. `{"sms.marketing": True, ...}`.
"""

from collections.abc import Mapping

from django.db import models
from django.utils.translation import gettext_lazy as _


# The order of the channels and purposes is part of the unsubscribe links already sent
# (messaging.tokens): add a new one at the end.
class ConsentChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    WHATSAPP = "whatsapp", _("WhatsApp")


class ConsentPurpose(models.TextChoices):
    MARKETING = "marketing", _("Marketing and campaigns")
    SERVICE = "service", _("Service notices about their requests and complaints")
    SURVEYS = "surveys", _("Surveys")
    DONOR_REPORTS = "donor_reports", _("Donor reports")


class ConsentSource(models.TextChoices):
    FORM = "form", _("Customer information form")
    PUBLIC_PAGE = "public_page", _("Public page")
    PHONE = "phone", _("Phone call")
    IMPORT = "import", _("Import")
    UNSUBSCRIBE_LINK = "unsubscribe_link", _("Unsubscribe link")
    STOP_REPLY = "stop_reply", _("STOP reply")
    MIGRATED = "migrated", _("Carried over from the former customer fields")


# The channels a form offers (WhatsApp has no sender yet).
FORM_CHANNELS = (ConsentChannel.SMS, ConsentChannel.EMAIL)
# The channel each needs an address for, by the customer's field.
CHANNEL_ADDRESS_FIELD = {
    ConsentChannel.SMS: "mobile",
    ConsentChannel.EMAIL: "email",
    ConsentChannel.WHATSAPP: "mobile",
}


def pair_key(channel: str, purpose: str) -> str:
    return f"{channel}.{purpose}"


def split_pair(key: str) -> tuple[str, str]:
    channel, _dot, purpose = key.partition(".")
    return channel, purpose


# Every (channel, purpose) a form proposes, in the grid's order: per channel, every purpose.
FORM_PAIRS = tuple(
    pair_key(channel, purpose) for channel in FORM_CHANNELS for purpose in ConsentPurpose.values
)
ALL_PAIRS = tuple(
    (channel, purpose) for channel in ConsentChannel.values for purpose in ConsentPurpose.values
)


def no_consents() -> dict[str, bool]:
    """The grid of a person who gave nothing."""
    return dict.fromkeys(FORM_PAIRS, False)


def pair_label(key: str) -> str:
    """«رسائل الجوال: التسويق والحملات»."""
    channel, purpose = split_pair(key)
    return _("%(channel)s: %(purpose)s") % {
        "channel": ConsentChannel(channel).label,
        "purpose": ConsentPurpose(purpose).label,
    }


def field_name(key: str) -> str:
    """The form field of a pair: "sms.marketing" → "consent_sms_marketing"."""
    channel, purpose = split_pair(key)
    return f"consent_{channel}_{purpose}"


def grid_from_fields(values: Mapping[str, object]) -> dict[str, bool] | None:
    """The grid held by a form's consent fields, or None when it has none of them."""
    if not any(field_name(key) in values for key in FORM_PAIRS):
        return None
    return {key: bool(values.get(field_name(key))) for key in FORM_PAIRS}
