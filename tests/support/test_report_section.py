"""The monthly performance report carries a section of the support requests (registered by
support through reports.sections): its PDF prints the month's requests and decisions, its
XLSX has the section's sheets."""

import datetime

import pytest
from django.utils import timezone

from reports.models import ReportType
from tests.customers.test_pdf import pdf_text
from tests.reports.conftest import identity  # noqa: F401  (the report's visual identity)
from tests.reports.test_documents import arabic, pdf_bytes, produce, workbook_of

from .fixtures_a import catalogue, people, places, received  # noqa: F401

pytestmark = pytest.mark.django_db


def this_month():
    start = timezone.localdate().replace(day=1)
    return start, (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def test_the_monthly_report_carries_the_month_s_support_requests(received, identity, tmp_path):  # noqa: F811
    report, _created = produce(ReportType.MONTHLY_PERFORMANCE, this_month())
    text = pdf_text(pdf_bytes(report), tmp_path)
    assert arabic("Beneficiary support requests") in text
    assert arabic("Requests received") in text
    assert received.support_type.name in text
    sheets = workbook_of(report).sheetnames
    assert any(name.startswith("الدعم - ") for name in sheets), sheets
