"""The monthly performance report carries a section of the support requests (registered by
support through reports.sections): its PDF prints the month's requests and decisions, its
XLSX has the section's sheets."""

import datetime

import pytest
from django.utils import timezone

from reports.models import ReportType
from reports.periods import previous_period
from support.models import SupportRequest
from tests.customers.test_pdf import pdf_text
from tests.reports.conftest import identity  # noqa: F401  (the report's visual identity)
from tests.reports.test_documents import arabic, pdf_bytes, produce, workbook_of
from tests.support.fixtures_a import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db


def last_month():
    return previous_period(ReportType.MONTHLY_PERFORMANCE, timezone.localdate())


def test_the_monthly_report_carries_the_month_s_support_requests(received, identity, tmp_path):  # noqa: F811, F405
    start, _end = last_month()
    received_at = timezone.make_aware(datetime.datetime.combine(start, datetime.time(10)))
    SupportRequest.objects.filter(pk=received.pk).update(received_at=received_at)
    report, _created = produce(ReportType.MONTHLY_PERFORMANCE, last_month())
    text = pdf_text(pdf_bytes(report), tmp_path)
    assert arabic("Beneficiary support requests") in text
    assert arabic("Requests received") in text
    assert received.support_type.name in text
    sheets = workbook_of(report).sheetnames
    assert any(name.startswith("الدعم - ") for name in sheets), sheets
