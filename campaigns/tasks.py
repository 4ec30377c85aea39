"""The e-mail that sends the advertising agency its private upload link, after commit."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.dates import format_gregorian_hijri


def agency_upload_url(campaign_pk: int) -> str:
    """The absolute address of the agency's upload page for the current request."""
    from .models import Campaign
    from .services import agency_token

    campaign = Campaign.objects.get(pk=campaign_pk)
    path = reverse("agency:upload") + "?" + urlencode({"t": agency_token(campaign)})
    return settings.SITE_URL.rstrip("/") + path


@shared_task
def send_agency_link(campaign_pk: int) -> bool:
    """Send the agency the request and its upload link; False when it has no e-mail."""
    from .models import Campaign

    campaign = Campaign.objects.select_related("agency").filter(pk=campaign_pk).first()
    if campaign is None or campaign.agency is None or not campaign.agency.email:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Request for advertising proposals: %(campaign)s") % {
            "campaign": campaign.title
        }
        body = "\n\n".join(
            [
                _("Dear %(agency)s,") % {"agency": campaign.agency.name},
                _("The association requests your proposals for the campaign «%(campaign)s».")
                % {"campaign": campaign.title},
                campaign.requirements,
                _("Please send them by %(due)s through this private link (no account needed):")
                % {"due": format_gregorian_hijri(campaign.due_at)},
                agency_upload_url(campaign.pk),
            ]
        )
    send_mail(subject, body, None, [campaign.agency.email])
    return True
