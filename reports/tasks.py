"""Celery tasks of the reports: the scheduled runs (django-celery-beat entries created by
migration 0002), the web page's runs and the email to the recipients."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Report, RunStatus, Trigger
from .periods import previous_period
from .selectors import period_title

logger = logging.getLogger(__name__)


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


def enqueue_production(report_id):
    """Send a queued report to the worker once the transaction commits. Without Redis the
    task runs here and then: a failure is recorded on the report (its page shows it) and
    logged, not raised into the page that asked. Returns True when sent (or run), False
    when that failed, None when it waits for the transaction to commit."""
    outcome = {}

    def send():
        try:
            produce_report.delay(report_id)
        except Exception:  # noqa: BLE001 - the report's page shows the failed or queued run
            logger.exception("Report %s could not be produced or queued", report_id)
            outcome["sent"] = False
        else:
            outcome["sent"] = True

    transaction.on_commit(send)
    return outcome.get("sent")


@shared_task
def send_report(report_id):
    """Email the ready report, PDF attached, to the recipients of its type."""
    from .services import recipients_of

    report = Report.objects.get(pk=report_id)
    addresses = sorted({r.address for r in recipients_of(report.report_type) if r.address})
    if not addresses or report.status != RunStatus.READY:
        return 0
    with translation.override("ar"):
        subject = f"{report.get_report_type_display()} · {period_title(report)}"
        body = _("The report is attached. It is also in the reports archive: %(url)s") % {
            "url": settings.SITE_URL.rstrip("/") + reverse("reports:detail", args=[report.pk])
        }
    message = EmailMessage(subject=subject, body=body, to=addresses)
    with report.pdf.open("rb") as pdf:
        message.attach(report.pdf.name.rsplit("/", 1)[-1], pdf.read(), "application/pdf")
    return message.send()
