"""The monthly recurring-complaints report shows, per proposed solution of each group, its
implementation plan, owner, due date and monitoring status with the latest monitoring note
(issue 10 item 5), in the PDF and in the XLSX."""

import pytest
from django.utils import translation

from complaints.models import SolutionStatus
from reports.documents import document_for
from reports.models import ReportType

from .conftest import (
    GROUP_LABEL,
    MONITOR_NOTE,
    OVERDUE_SOLUTION,
    PLAN,
    SOLUTIONS,
)
from .test_documents import check_pdf, check_workbook, produce, rows_of

pytestmark = pytest.mark.django_db


def label(status):
    with translation.override("ar"):
        return str(SolutionStatus(status).label)


@pytest.fixture
def recurring_report(identity, case_data, recommendation_data, report_month):
    report, _created = produce(ReportType.MONTHLY_RECURRING, report_month)
    return report


def test_each_group_lists_its_solutions_with_their_implementation(
    identity, case_data, recommendation_data, report_month
):
    report, _created = produce(ReportType.MONTHLY_RECURRING, report_month)
    figures = document_for(ReportType.MONTHLY_RECURRING).figures(report)
    row = next(row for row in figures["rows"] if row["label"] == GROUP_LABEL)
    first, second = row["solutions"]
    assert (first["text"], first["plan"], first["status"]) == (
        SOLUTIONS,
        PLAN,
        label("not_started"),
    )
    assert first["owner"] and first["due_date"] and not first["overdue"]
    assert (second["text"], second["status"], second["overdue"]) == (
        OVERDUE_SOLUTION,
        label("in_progress"),
        True,
    )
    assert second["latest_note"] == MONITOR_NOTE and second["latest_note_at"]
    assert report.summary["solutions"] == 2
    assert report.summary["solutions_overdue"] == 1
    assert report.summary["solutions_implemented"] == 0


def test_the_pdf_prints_the_plans_and_their_monitoring(recurring_report, tmp_path):
    text = check_pdf(recurring_report, tmp_path, pages=2)
    for expected in (SOLUTIONS, PLAN, OVERDUE_SOLUTION, MONITOR_NOTE, label("in_progress")):
        assert expected in text, expected


def test_the_xlsx_has_a_sheet_of_solutions(recurring_report):
    workbook = check_workbook(recurring_report, 4)
    sheet = workbook.worksheets[3]
    rows = rows_of(sheet)
    assert [row[1] for row in rows] == [SOLUTIONS, OVERDUE_SOLUTION]
    assert rows[0][0] == GROUP_LABEL and rows[0][2] == PLAN
    assert rows[1][5] == label("in_progress")
    assert rows[1][6] == "نعم" or rows[1][6] is True or rows[1][6]  # overdue
    assert rows[1][8] == MONITOR_NOTE
