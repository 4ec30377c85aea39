"""The reports' Celery tasks (eager in tests), the beat schedule created by the migration,
the email to the recipients and the produce_report command."""

import json
from email.header import decode_header, make_header
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import translation
from django_celery_beat.models import PeriodicTask

from reports import tasks
from reports.demo import load_demo_reports
from reports.models import Report, ReportRecipient, ReportType, RunStatus, VisualIdentity

from . import support
from .support import FAKE_PDF, FakeDocument, last_period, ready_report

fake_documents = support.fake_documents
media_root = support.media_root
staff = support.staff

pytestmark = pytest.mark.django_db

MONTHLY = ReportType.MONTHLY_PERFORMANCE
WEEKLY = ReportType.WEEKLY_OPPORTUNITIES


# --- the schedule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "report_type", "day_of_week", "day_of_month"),
    [
        ("تقرير الفرص الأسبوعي", "weekly_opportunities", "0", "*"),
        ("تقرير الأداء الشهري", "monthly_performance", "*", "1"),
        ("تقرير الشكاوى المتكررة الشهري", "monthly_recurring", "*", "1"),
    ],
)
def test_beat_entries_exist_after_migrate(name, report_type, day_of_week, day_of_month):
    entry = PeriodicTask.objects.select_related("crontab").get(name=name)
    assert entry.enabled
    assert entry.task == "reports.tasks.produce_scheduled_report"
    assert json.loads(entry.kwargs) == {"report_type": report_type}
    crontab = entry.crontab
    assert (crontab.minute, crontab.hour) == ("0", "7")
    assert (crontab.day_of_week, crontab.day_of_month, crontab.month_of_year) == (
        day_of_week,
        day_of_month,
        "*",
    )
    assert str(crontab.timezone) == "Asia/Riyadh"


def test_the_scheduled_task_twice_makes_one_report(fake_documents):
    first = tasks.produce_scheduled_report.delay(report_type=WEEKLY).get()
    second = tasks.produce_scheduled_report.delay(report_type=WEEKLY).get()
    assert first == second
    report = Report.objects.get()
    assert (report.period_start, report.period_end) == last_period(WEEKLY)
    assert report.period_start.weekday() == 6  # a Sunday
    assert report.status == RunStatus.READY and report.trigger == "schedule"
    assert report.requested_by is None
    assert fake_documents == [report.pk]


def test_the_produce_task_does_nothing_for_a_ready_report(fake_documents):
    report = ready_report(MONTHLY)
    assert tasks.produce_report.delay(report.pk).get() == report.pk
    assert len(fake_documents) == 1


def test_enqueue_reports_a_failed_eager_run_without_raising(
    fake_documents, django_capture_on_commit_callbacks
):
    FakeDocument.fail_with = RuntimeError("boom")
    start, end = last_period(MONTHLY)
    report = Report.objects.create(
        report_type=MONTHLY, period_start=start, period_end=end, trigger="web"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.enqueue_production(report.pk) is None  # waits for the commit
    report.refresh_from_db()
    assert report.status == RunStatus.FAILED


# --- email --------------------------------------------------------------------------------


def _subject(message):
    return str(make_header(decode_header(message.subject)))


def test_recipients_get_one_email_with_the_pdf_when_ready(
    fake_documents, staff, django_capture_on_commit_callbacks
):
    ReportRecipient.objects.create(report_type=MONTHLY, user=staff["secretary"])
    ReportRecipient.objects.create(report_type=MONTHLY, user=staff["crm_manager"])
    ReportRecipient.objects.create(report_type=MONTHLY, email="council@example.org")
    ReportRecipient.objects.create(report_type=MONTHLY, user=staff["quality"], is_active=False)
    ReportRecipient.objects.create(report_type=WEEKLY, user=staff["resources"])
    with django_capture_on_commit_callbacks(execute=True):
        report = ready_report(MONTHLY)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == [
        "council@example.org",
        "crm_manager@example.org",
        "secretary@example.org",
    ]
    with translation.override("ar"):
        assert str(report.get_report_type_display()) in message.subject
    assert f"/reports/{report.pk}/" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert filename.endswith(".pdf") and mimetype == "application/pdf"
    assert content == FAKE_PDF

    # A second run, a retry or a duplicate beat sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        ready_report(MONTHLY)
        tasks.produce_scheduled_report.delay(report_type=MONTHLY)
    assert len(mail.outbox) == 1


def test_no_email_without_recipients_or_for_a_failed_report(
    fake_documents, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = ready_report(WEEKLY)
    assert mail.outbox == []
    ReportRecipient.objects.create(report_type=MONTHLY, email="council@example.org")
    FakeDocument.fail_with = RuntimeError("boom")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        ready_report(MONTHLY)
    assert mail.outbox == []
    assert tasks.send_report(report.pk) == 0


# --- the command line -----------------------------------------------------------------------


def test_the_command_produces_then_says_already_produced(fake_documents):
    start, _end = last_period(MONTHLY)
    out = StringIO()
    call_command("produce_report", "--type", MONTHLY, "--period", f"{start:%Y-%m}", stdout=out)
    assert "Produced:" in out.getvalue()
    out = StringIO()
    # The same period typed in Arabic-Indic digits.
    arabic = f"{start:%Y-%m}".translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    call_command("produce_report", "--type", MONTHLY, "--period", arabic, stdout=out)
    assert "Already produced" in out.getvalue()
    assert Report.objects.count() == 1
    assert len(fake_documents) == 1
    report = Report.objects.get()
    assert report.trigger == "command"


def test_the_command_refuses_a_period_not_ended(fake_documents):
    with translation.override("en"), pytest.raises(CommandError, match="has ended"):
        call_command("produce_report", "--type", MONTHLY, "--period", "2999-01")
    assert not Report.objects.exists()


# --- demo data ----------------------------------------------------------------------------


def test_demo_recipients_and_identity(settings):
    from association.demo import load_demo_data

    load_demo_data()
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="planning").update(email="")
    created = load_demo_reports()
    assert created == 8
    assert load_demo_reports() == 0  # idempotent
    assert VisualIdentity.objects.get().name == settings.ASSOCIATION_NAME
    recipients = {
        (r.report_type, r.user.username) for r in ReportRecipient.objects.select_related("user")
    }
    assert recipients == {
        (WEEKLY, "crm_manager"),
        (MONTHLY, "secretary"),
        (MONTHLY, "crm_manager"),
        (MONTHLY, "centres_manager"),
        (ReportType.MONTHLY_RECURRING, "planning"),
        (ReportType.QUARTERLY_CAMPAIGNS, "management"),
        (ReportType.QUARTERLY_CAMPAIGNS, "crm_manager"),
    }
    assert all(r.address for r in ReportRecipient.objects.all())
