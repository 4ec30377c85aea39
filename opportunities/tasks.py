"""Notifications of the opportunities pillar, sent by the Celery worker after commit."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.dates import format_gregorian_hijri


@shared_task
def notify_point_of_contact(contact_id):
    """Tell a donor's point of contact that someone else contacted (or plans to contact) the
    donor (manual 3.1.21: no duplicate contact without their knowledge). Returns whether an
    email was sent."""
    from .models import DonorContact

    contact = (
        DonorContact.objects.select_related("donor__point_of_contact", "staff", "opportunity")
        .filter(pk=contact_id)
        .first()
    )
    if contact is None or contact.donor.point_of_contact is None:
        return False
    recipient = contact.donor.point_of_contact
    if not recipient.email or not recipient.is_active:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _message(contact)
    send_mail(subject, body, None, [recipient.email])
    return True


def _message(contact):
    staff = contact.staff.get_full_name() or contact.staff.get_username()
    subject = _("Contact with your donor %(donor)s by %(staff)s") % {
        "donor": contact.donor.name,
        "staff": staff,
    }
    lines = [
        _(
            "%(staff)s recorded a contact with %(donor)s, a donor for whom you are the point "
            "of contact. It awaits the CRM manager's approval."
        )
        % {"staff": staff, "donor": contact.donor.name},
        "",
        _("Date: %(date)s") % {"date": format_gregorian_hijri(contact.contact_date)},
        _("Channel: %(channel)s") % {"channel": contact.get_channel_display()},
    ]
    if contact.is_planned:
        lines.append(_("This contact is planned, not yet made."))
    if contact.opportunity_id:
        lines.append(_("Opportunity: %(title)s") % {"title": contact.opportunity.title})
    lines += ["", _("Summary:"), contact.summary, ""]
    site_url = getattr(settings, "SITE_URL", "").rstrip("/")
    if site_url:
        lines.append(site_url + reverse("home"))
    else:
        lines.append(_("You will also find it on your “My work” page."))
    return subject, "\n".join(lines)
