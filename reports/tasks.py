"""Celery tasks of the reports: the scheduled runs (django-celery-beat entries created by
migration 0002), the web page's runs and the email to the recipients."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Report, RunStatus, Trigger
from .periods import previous_period


@shared_task
def produce_scheduled_report(report_type):
    """Beat's entry point: the report of the period just ended. A duplicate beat or a
    retry finds the same report and renders nothing."""
    from . import services

    start, end = previous_period(report_type, timezone.localdate())
    report, _created = services.request_report(
        report_type=report_type, period_start=start, period_end=end, trigger=Trigger.SCHEDULE
    )
    if report.status == RunStatus.QUEUED:
        services.produce(report.pk)
    return report.pk


@shared_task
def produce_report(report_id):
    from . import services

    services.produce(report_id)
    return report_id


@shared_task
def send_report(report_id):
    """Email the ready report, PDF attached, to the recipients of its type."""
    from .services import recipients_of

    report = Report.objects.get(pk=report_id)
    addresses = sorted({r.address for r in recipients_of(report.report_type) if r.address})
    if not addresses or report.status != RunStatus.READY:
        return 0
    with translation.override("ar"):
        subject = _("%(report)s: %(start)s to %(end)s") % {
            "report": report.get_report_type_display(),
            "start": report.period_start.isoformat(),
            "end": report.period_end.isoformat(),
        }
        body = _("The report is attached. It is also in the reports archive: %(url)s") % {
            "url": settings.SITE_URL.rstrip("/") + reverse("reports:detail", args=[report.pk])
        }
    message = EmailMessage(subject=subject, body=body, to=addresses)
    with report.pdf.open("rb") as pdf:
        message.attach(report.pdf.name.rsplit("/", 1)[-1], pdf.read(), "application/pdf")
    return message.send()
