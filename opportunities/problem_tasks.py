"""The email telling an owner that a donor-relationship problem is theirs to handle, sent by
the Celery worker after commit. Imported at start-up (opportunities.problem_registrations),
so the worker knows the task."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.dates import format_gregorian_hijri


@shared_task
def notify_problem_owner(problem_id):
    """Returns whether an email was sent."""
    from .models import DonorProblem

    problem = DonorProblem.objects.select_related("owner", "donor").filter(pk=problem_id).first()
    if problem is None or problem.is_resolved:
        return False
    owner = problem.owner
    if not owner.email or not owner.is_active:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _message(problem)
    send_mail(subject, body, None, [owner.email])
    return True


def _message(problem):
    subject = _("A problem with the donor %(donor)s is yours to handle (%(severity)s)") % {
        "donor": problem.donor.name,
        "severity": problem.get_severity_display(),
    }
    lines = [
        problem.title,
        "",
        _("Kind: %(kind)s") % {"kind": problem.get_kind_display()},
        _("First action due: %(date)s") % {"date": format_gregorian_hijri(problem.respond_by)},
        _("Resolution due: %(date)s") % {"date": format_gregorian_hijri(problem.resolve_by)},
        "",
        problem.description,
        "",
    ]
    site_url = getattr(settings, "SITE_URL", "").rstrip("/")
    path = reverse("opportunities:problem_detail", args=[problem.pk])
    lines.append(site_url + path if site_url else path)
    return subject, "\n".join(lines)
