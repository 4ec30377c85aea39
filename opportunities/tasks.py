"""Notifications of the opportunities pillar, sent by the Celery worker after commit, and
the finance import's dry run and confirmation as background jobs (core.jobs)."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import format_gregorian_hijri
from core.imports.jobs import import_job_kinds
from core.jobs import JobOutcome

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
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _message(contact)
    return _send(contact.donor.point_of_contact, subject, body)


def _message(contact):
    staff = contact.staff.get_full_name() or contact.staff.get_username()
    subject = _("Contact with your donor %(donor)s by %(staff)s") % {
        "donor": contact.donor.name,
        "staff": staff,
    }
    if contact.is_planned:
        opening = _(
            "%(staff)s asks to contact %(donor)s, a donor for whom you are the point of "
            "contact. The request awaits the approval of the CRM manager, resource "
            "development and the sub-council secretary."
        )
    else:
        opening = _(
            "%(staff)s recorded a contact with %(donor)s, a donor for whom you are the point "
            "of contact. It awaits the approval of the CRM manager, resource development and "
            "the sub-council secretary."
        )
    lines = [
        opening % {"staff": staff, "donor": contact.donor.name},
        "",
        _("Date: %(date)s") % {"date": format_gregorian_hijri(contact.contact_date)},
        _("Channel: %(channel)s") % {"channel": contact.get_channel_display()},
    ]
    if contact.is_planned:
        lines.append(_("This contact is planned, not yet made."))
    if contact.opportunity_id:
        lines.append(_("Opportunity: %(title)s") % {"title": contact.opportunity.title})
    lines += ["", _("Summary:"), contact.summary, ""]
    lines.append(_link(reverse("home")))
    return subject, "\n".join(lines)


def _link(path):
    site_url = getattr(settings, "SITE_URL", "").rstrip("/")
    if site_url:
        return site_url + path
    return _("You will also find it on your “My work” page.")


def _send(recipient, subject, body):
    if recipient is None or not recipient.email or not recipient.is_active:
        return False
    send_mail(subject, body, None, [recipient.email])
    return True


def _person(user):
    return user.get_full_name() or user.get_username()


@shared_task
def notify_contact_decision(contact_id):
    """Tell the person who made (or asked for) a flagged contact that it was approved by the
    three parties or refused, and why (3.1.21). Returns whether an email was sent."""
    from .models import ContactApproval, DonorContact

    contact = (
        DonorContact.objects.select_related("donor", "staff", "decided_by", "opportunity")
        .prefetch_related("approval_steps__decided_by")
        .filter(pk=contact_id)
        .first()
    )
    if contact is None or contact.approval not in (
        ContactApproval.APPROVED,
        ContactApproval.REFUSED,
    ):
        return False
    with translation.override(settings.LANGUAGE_CODE):
        values = {"donor": contact.donor.name}
        if contact.approval == ContactApproval.APPROVED:
            subject = _("Your contact with %(donor)s was approved") % values
            opening = (
                _(
                    "Your request to contact %(donor)s was approved by the CRM manager, "
                    "resource development and the sub-council secretary. Once you have "
                    "contacted the donor, record the contact from its page."
                )
                if contact.is_planned
                else _(
                    "Your contact with %(donor)s was approved by the CRM manager, resource "
                    "development and the sub-council secretary."
                )
            ) % values
        else:
            subject = _("Your contact with %(donor)s was refused") % values
            opening = (
                _("Your request to contact %(donor)s was refused: do not contact the donor.")
                if contact.is_planned
                else _("Your contact with %(donor)s was refused.")
            ) % values
        lines = [opening, ""]
        for step in contact.approval_steps.all():
            if step.decided_by_id:
                lines.append(
                    _("%(party)s: %(decision)s by %(person)s on %(date)s")
                    % {
                        "party": step.get_party_display(),
                        "decision": step.get_decision_display(),
                        "person": _person(step.decided_by),
                        "date": format_gregorian_hijri(step.decided_at),
                    }
                )
                if step.note:
                    lines.append(_("Note: %(note)s") % {"note": step.note})
        lines += ["", _link(reverse("opportunities:contact_detail", args=[contact.pk]))]
        return _send(contact.staff, subject, "\n".join(lines))


@shared_task
def notify_designation_decision(designation_id):
    """Tell whoever proposed a point of contact, and the person proposed, the sub-council
    secretary's decision. Returns the number of emails sent."""
    from .models import DesignationState, PointOfContactDesignation

    designation = (
        PointOfContactDesignation.objects.select_related(
            "donor", "staff", "proposed_by", "decided_by"
        )
        .filter(pk=designation_id)
        .first()
    )
    if designation is None or designation.state not in (
        DesignationState.APPROVED,
        DesignationState.REFUSED,
    ):
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        values = {"person": _person(designation.staff), "donor": designation.donor.name}
        if designation.state == DesignationState.APPROVED:
            subject = _("%(person)s is now the point of contact of %(donor)s") % values
            opening = (
                _(
                    "The sub-council secretary approved %(person)s as the point of contact of "
                    "%(donor)s. Contacts with this donor now go through %(person)s."
                )
                % values
            )
        else:
            subject = _("Point of contact for %(donor)s refused") % values
            opening = (
                _(
                    "The sub-council secretary refused %(person)s as the point of contact of "
                    "%(donor)s."
                )
                % values
            )
        lines = [opening]
        if designation.decision_note:
            lines += ["", _("Note: %(note)s") % {"note": designation.decision_note}]
        lines += ["", _link(reverse("customers:detail", args=[designation.donor_id]))]
        body = "\n".join(lines)
        # The person proposed learns only of an approval: a refusal is the proposer's to tell.
        recipients = {designation.proposed_by}
        if designation.state == DesignationState.APPROVED:
            recipients.add(designation.staff)
        return sum(_send(user, subject, body) for user in recipients - {None})


# --- the finance import as background jobs (core.jobs) ---------------------------------------

DONATION_IMPORT_PREVIEW = "opportunities.donation_import_preview"
DONATION_IMPORT_CONFIRM = "opportunities.donation_import_confirm"


def _check_file(job, content, progress):
    return import_donations(
        content=content,
        filename=job.params["filename"],
        actor=job.owner,
        dry_run=True,
        progress=progress,
    )


def _add_donations(job, content, progress):
    record = import_donations(
        content=content,
        filename=job.params["filename"],
        actor=job.owner,
        dry_run=False,
        progress=progress,
    ).record
    return JobOutcome(
        url=reverse("finance:donations_unmatched" if record.unmatched else "finance:donation_list"),
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


import_job_kinds(
    preview_kind=DONATION_IMPORT_PREVIEW,
    confirm_kind=DONATION_IMPORT_CONFIRM,
    preview_title=gettext_lazy("Checking the finance file"),
    confirm_title=gettext_lazy("Adding the donations"),
    upload_url="opportunities:donation_import",
    preview_url="opportunities:donation_import_preview",
    dry_run=_check_file,
    confirm=_add_donations,
)
