"""Notifications of the opportunities pillar, sent by the Celery worker after commit, and
the finance import's dry run and confirmation as background jobs (core.jobs)."""

from celery import shared_task
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import format_gregorian_hijri
from core.imports import (
    ImportFileError,
    UploadMissing,
    discard_upload,
    file_digest,
    finish_claim,
    read_claimed_upload,
    read_upload,
    release_claim,
)
from core.jobs import JobFailed, JobOutcome, job_kind

from .donations import import_donations


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


# --- the finance import as background jobs (core.jobs) ---------------------------------------

DONATION_IMPORT_PREVIEW = "opportunities.donation_import_preview"
DONATION_IMPORT_CONFIRM = "opportunities.donation_import_confirm"


def _donation_upload_page(job=None):
    return reverse("opportunities:donation_import")


def _donation_upload_expired():
    return _("This upload was already confirmed or has expired. Upload the file again.")


@job_kind(
    DONATION_IMPORT_PREVIEW,
    title=gettext_lazy("Checking the finance file"),
    fallback_url=_donation_upload_page,
)
def preview_donation_import(job, progress):
    token = job.params["token"]
    try:
        content = read_upload(token)
        result = import_donations(
            content=content,
            filename=job.params["filename"],
            actor=job.owner,
            dry_run=True,
            progress=progress,
        )
    except UploadMissing as missing:
        raise JobFailed(_donation_upload_expired(), url=_donation_upload_page()) from missing
    except ImportFileError as error:
        discard_upload(token)
        raise JobFailed(
            str(error), url=f"{_donation_upload_page()}?job={job.pk}", as_message=False
        ) from error
    return JobOutcome(
        url=reverse("opportunities:donation_import_preview", args=[job.pk]),
        data=result.as_data(),
    )


@job_kind(
    DONATION_IMPORT_CONFIRM,
    title=gettext_lazy("Adding the donations"),
    fallback_url=_donation_upload_page,
)
def confirm_donation_import(job, progress):
    params = job.params
    token = params["token"]
    try:
        content = read_claimed_upload(token)
        if file_digest(content) != params["digest"]:
            raise UploadMissing
        result = import_donations(
            content=content,
            filename=params["filename"],
            actor=job.owner,
            dry_run=False,
            progress=progress,
        )
    except UploadMissing as missing:
        raise JobFailed(_donation_upload_expired(), url=_donation_upload_page()) from missing
    except ImportFileError as error:
        release_claim(token)
        raise JobFailed(str(error), url=_donation_upload_page()) from error
    except PermissionDenied as denied:
        release_claim(token)
        raise JobFailed(
            _("You may no longer do this: your permissions changed."), url=reverse("home")
        ) from denied
    except BaseException:
        release_claim(token)
        raise
    finish_claim(token)
    record = result.record
    return JobOutcome(
        url=reverse(
            "opportunities:donations_unmatched"
            if record.unmatched
            else "opportunities:donation_list"
        ),
        message=_(
            "%(added)s donations were added (%(unmatched)s of them wait to be matched); "
            "%(present)s were already recorded and were skipped."
        )
        % {
            "added": record.added,
            "unmatched": record.unmatched,
            "present": record.already_present,
        },
    )
