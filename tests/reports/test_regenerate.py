"""`produce_report --force` (issue 10 item 11): a produced report whose files were lost (a
database restored without its media) gets its PDF and XLSX back; one whose files are all
there is left alone."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from reports import services
from reports.models import Report, ReportTransition, ReportType, RunStatus

from . import support
from .support import FAKE_PDF, last_period, ready_report

fake_documents = support.fake_documents
media_root = support.media_root
staff = support.staff

pytestmark = pytest.mark.django_db

MONTHLY = ReportType.MONTHLY_PERFORMANCE


def _produce(*extra):
    start, _end = last_period(MONTHLY)
    out = StringIO()
    call_command(
        "produce_report", "--type", MONTHLY, "--period", f"{start:%Y-%m}", *extra, stdout=out
    )
    return out.getvalue()


def _lose_files(report):
    for stored in (report.pdf, report.xlsx):
        stored.storage.delete(stored.name)
    assert not report.pdf.storage.exists(report.pdf.name)


def test_force_regenerates_the_missing_files(fake_documents, staff, client):
    report = ready_report(MONTHLY)
    names = (report.pdf.name, report.xlsx.name)
    _lose_files(report)
    client.force_login(staff["crm_manager"])
    assert client.get(reverse("reports:pdf", args=[report.pk])).status_code == 404
    mail.outbox.clear()

    output = _produce("--force")

    assert "Regenerated" in output
    report.refresh_from_db()
    assert report.status == RunStatus.READY
    assert (report.pdf.name, report.xlsx.name) == names
    assert report.pdf.storage.exists(report.pdf.name)
    assert report.xlsx.storage.exists(report.xlsx.name)
    assert len(fake_documents) == 2
    response = client.get(reverse("reports:pdf", args=[report.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FAKE_PDF
    # Recorded on the report's trail; the recipients are not emailed a second time.
    last = ReportTransition.objects.filter(report=report).latest("pk")
    assert (last.source, last.target) == (RunStatus.READY, RunStatus.READY)
    assert "regenerated" in last.note.lower() or "أعيد" in last.note
    assert mail.outbox == []


def test_force_leaves_a_report_with_its_files_alone(fake_documents):
    report = ready_report(MONTHLY)
    output = _produce("--force")
    assert "nothing to regenerate" in output
    assert len(fake_documents) == 1
    assert Report.objects.get().pdf.name == report.pdf.name


def test_without_force_missing_files_are_reported_not_rebuilt(fake_documents):
    report = ready_report(MONTHLY)
    _lose_files(report)
    with pytest.raises(CommandError, match="--force"):
        _produce()
    assert len(fake_documents) == 1


def test_force_on_a_new_period_simply_produces_it(fake_documents):
    output = _produce("--force")
    assert "Produced:" in output
    assert Report.objects.get().status == RunStatus.READY


def test_the_service_refuses_a_report_that_is_not_ready(fake_documents):
    start, end = last_period(MONTHLY)
    report, _created = services.request_report(
        report_type=MONTHLY, period_start=start, period_end=end, trigger="command"
    )
    with translation.override("en"), pytest.raises(services.ReportError, match="produced"):
        services.report_regenerate_files(report=report)
