"""The three report documents, produced through reports.services.produce_now like the
`produce_report` command: the PDF itself (pages, embedded Arabic font, extracted text, page
numbers), the XLSX (right-to-left sheets, Arabic headers, escaped cells, every row), the
key figures kept on the report, and a second run for the same period that makes nothing."""

import json
import re
import shutil
import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from reports import charts, services
from reports.documents import base as document_base
from reports.documents import document_for
from reports.models import Report, ReportType, RunStatus, Trigger
from reports.periods import previous_period
from tests.conftest import skip_or_fail
from tests.customers.test_pdf import compact, embedded_font_names, pdf_text
from tests.xlsx_checks import (
    assert_date_cell,
    assert_prints_one_page_wide,
    assert_text_cell_as_typed,
)

from .conftest import (
    CATEGORY_DISTRIBUTION,
    DONOR_NAME,
    GROUP_LABEL,
    IDENTITY_NAME,
    LINKED_TEXT,
    MALICIOUS,
    PROGRAMME_NAME,
    RAISED_TEXT,
    REASONS,
    ROOT_CAUSES,
    SOLUTIONS,
)

pytestmark = pytest.mark.django_db

ARABIC = re.compile("[\u0600-\u06ff]")
ARABIC_INDIC_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")


def produce(report_type, period):
    report, created = services.produce_now(
        report_type=report_type,
        period_start=period[0],
        period_end=period[1],
        trigger=Trigger.COMMAND,
    )
    assert report.status == RunStatus.READY, report.error
    return report, created


def arabic(msgid, context=None):
    """The text the document prints for a msgid (the Arabic catalogue's translation)."""
    with translation.override("ar"):
        return pgettext(context, msgid) if context else gettext(msgid)


def pdf_bytes(report):
    with report.pdf.open("rb") as handle:
        return handle.read()


def pdfinfo_pages(content, tmp_path):
    if not shutil.which("pdfinfo"):
        skip_or_fail("pdfinfo (poppler-utils) is not installed")
    path = tmp_path / "info.pdf"
    path.write_bytes(content)
    output = subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, check=True, text=True
    ).stdout
    return int(re.search(r"^Pages:\s+(\d+)", output, re.MULTILINE).group(1))


def check_pdf(report, tmp_path, *, pages):
    """The checks every report PDF passes; returns its extracted text."""
    content = pdf_bytes(report)
    assert content.startswith(b"%PDF")
    assert report.page_count == pages
    assert pdfinfo_pages(content, tmp_path) == pages
    names = [compact(name) for name in embedded_font_names(content, tmp_path)]
    assert "notosansarabic" in names, names
    assert not any("dejavu" in name for name in names), names
    text = pdf_text(content, tmp_path)
    assert IDENTITY_NAME in text
    assert arabic("Page", "page N of M") in text  # "صفحة 1 من 2" on every page
    # One digit policy (core.numbers): Western digits everywhere, page numbers included.
    assert not ARABIC_INDIC_DIGITS.search(text), ARABIC_INDIC_DIGITS.findall(text)
    return text


def workbook_of(report):
    with report.xlsx.open("rb") as handle:
        return load_workbook(BytesIO(handle.read()))


def check_workbook(report, sheet_count):
    workbook = workbook_of(report)
    assert len(workbook.worksheets) == sheet_count
    for sheet in workbook.worksheets:
        assert sheet.sheet_view.rightToLeft, sheet.title
        headers = [cell.value for cell in sheet[1]]
        assert headers and all(headers), sheet.title
        for header in headers:
            assert ARABIC.search(header), (sheet.title, header)
        assert all(cell.font.bold for cell in sheet[1]), sheet.title
        assert_prints_one_page_wide(sheet, landscape=is_wide(sheet, len(headers)))
    return workbook


def is_wide(sheet, column_count):
    """More than six columns, or wider than A4 portrait holds (in characters)."""
    widths = [sheet.column_dimensions[get_column_letter(i + 1)].width for i in range(column_count)]
    return column_count > 6 or sum(widths) > 100


def column(sheet, header):
    """The cells of a column below its header."""
    index = [cell.value for cell in sheet[1]].index(arabic(header))
    return [row[index] for row in sheet.iter_rows(min_row=2)]


def assert_dates(sheet, header, *, with_time):
    cells = [cell for cell in column(sheet, header) if cell.value is not None]
    assert cells, (sheet.title, header)
    for cell in cells:
        assert_date_cell(cell, with_time=with_time)


def capture_html(monkeypatch):
    """Keep the HTML given to WeasyPrint; the PDF becomes a stub."""
    captured = {}

    def fake_render(html, extra_files=()):
        captured["html"] = html
        return document_base.RenderedPdf(content=b"%PDF-1.7 stub", page_count=1)

    monkeypatch.setattr(document_base, "render_pdf", fake_render)
    return captured


def rows_of(sheet):
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def assert_escaped(workbook, sheet_index):
    """The formula typed by a user is plain text in the sheet, not a formula."""
    sheet = workbook.worksheets[sheet_index]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value]
    typed = [cell for cell in cells if cell.value == MALICIOUS]
    assert typed, "the malicious text is missing"
    for cell in typed:  # shown as typed, no apostrophe, and never run
        assert_text_cell_as_typed(cell, MALICIOUS)
    assert not any(cell.data_type == "f" for cell in cells)
    assert not any(str(cell.value).startswith("'") for cell in cells)


# --- the weekly opportunity report -------------------------------------------------------------


@pytest.fixture
def weekly(identity, opportunity_data, report_week):
    report, created = produce(ReportType.WEEKLY_OPPORTUNITIES, report_week)
    assert created
    return report


def test_weekly_pdf_pages_font_and_text(weekly, tmp_path):
    text = check_pdf(weekly, tmp_path, pages=2)
    for heading in ("Stale opportunities", "Pledges not yet received", "The pipeline by state"):
        assert arabic(heading) in text, heading
    assert DONOR_NAME in text
    assert PROGRAMME_NAME in text
    assert "خالد الحربي" in text  # the stale opportunity's owner
    for figure in ("350,000.00", "190,000.00", "70,000.00", "100,000.00", "30,000.00"):
        assert figure in text, figure


def test_weekly_summary(weekly):
    assert weekly.summary == {
        "opened": 1,
        "closed": 1,
        "successful": 1,
        "cancelled": 1,
        "open": 3,
        "pipeline_total": "350000.00",
        "weighted_pipeline": "190000.00",
        "stale": 1,
        "pledges_not_received": 1,
        "outstanding_total": "70000.00",
        "state_identification": 1,
        "state_follow_up": 1,
        "state_closing": 1,
        "state_successful": 1,
        "state_cancelled": 1,
    }
    json.dumps(weekly.summary)
    assert set(weekly.summary) <= set(document_for(weekly.report_type).summary_labels)


def test_weekly_xlsx(weekly, opportunity_data):
    workbook = check_workbook(weekly, 4)
    pipeline, opportunities, stale, pledges = workbook.worksheets
    assert [row[1] for row in rows_of(pipeline)[:5]] == [1, 1, 1, 1, 1]
    # Those opened, worked on or moved this week; the stale one is in its own sheet.
    listed = rows_of(opportunities)
    week = [o.pk for key, o in opportunity_data.items() if key != "stale"]
    assert sorted(row[0] for row in listed) == sorted(week)
    new = next(row for row in listed if row[0] == opportunity_data["new"].pk)
    assert new[5:8] == [150000, 40, 60000]
    assert_escaped(workbook, 1)
    assert [row[0] for row in rows_of(stale)] == [opportunity_data["stale"].pk]
    assert rows_of(stale)[0][7] >= 20
    [pledge] = rows_of(pledges)
    assert pledge[2] == DONOR_NAME
    assert pledge[6:9] == [100000, 30000, 70000]
    assert_dates(opportunities, "created at", with_time=True)
    assert_dates(opportunities, "last activity", with_time=True)
    assert_dates(stale, "last activity", with_time=True)
    assert_dates(pledges, "pledge date", with_time=False)


def test_weekly_pdf_lists_the_first_rows_the_xlsx_all(
    identity, opportunity_data, report_week, monkeypatch
):
    from reports.documents import weekly_opportunities

    monkeypatch.setattr(weekly_opportunities, "PDF_ROW_LIMIT", 0)
    captured = capture_html(monkeypatch)
    report, _created = produce(ReportType.WEEKLY_OPPORTUNITIES, report_week)
    with translation.override("ar"):
        more = ngettext(
            "And %(counter)s more stale opportunity in the Excel file.",
            "And %(counter)s more stale opportunities in the Excel file.",
            1,
        ) % {"counter": 1}
    assert more in captured["html"]
    assert len(rows_of(workbook_of(report).worksheets[2])) == 1  # the XLSX has it


# --- the monthly performance report ------------------------------------------------------------


@pytest.fixture
def performance(identity, case_data, recommendation_data, report_month):
    report, created = produce(ReportType.MONTHLY_PERFORMANCE, report_month)
    assert created
    return report


def test_performance_pdf_pages_font_and_text(performance, tmp_path):
    text = check_pdf(performance, tmp_path, pages=3 + SECTION_PAGES)
    for heading in (
        "Comparison with the previous month",
        "Recommendations raised this month",
        "Follow-up of last month's recommendations",
    ):
        assert arabic(heading) in text, heading
    assert CATEGORY_DISTRIBUTION in text
    assert "مركز حي الصفا" in text
    assert RAISED_TEXT in text
    assert REASONS in text  # why last month's recommendation was not implemented
    for figure in ("83.3", "3.5", "123.0", "15.0", "140.0"):
        assert figure in text, figure


def test_performance_summary_and_comparison(performance):
    assert performance.summary == {
        "total": 7,
        "complaints": 5,
        "inquiries": 1,
        "suggestions": 1,
        "first_answer_median_hours": 3.5,
        "first_answer_p90_hours": 123.0,
        "closure_median_hours": 15.0,
        "closure_p90_hours": 140.0,
        "within_deadline_percent": 83.3,
        "overdue": 1,
        "recommendations_raised": 1,
        "follow_up_total": 2,
        "follow_up_implemented": 1,
        "follow_up_not_implemented": 1,
    }
    json.dumps(performance.summary)
    assert set(performance.summary) <= set(document_for(performance.report_type).summary_labels)
    with translation.override("ar"):
        figures = document_for(performance.report_type).figures(performance)
    assert not figures["previous_from_report"]
    rows = {row["key"]: row for row in figures["comparison"]}
    assert (rows["total"]["current"], rows["total"]["previous"]) == ("7", "2")
    assert (rows["total"]["change"], rows["total"]["relative_change"]) == ("+5", "+250.0%")
    assert rows["first_answer_median_hours"]["previous"] == "3.0"
    assert rows["within_deadline_percent"]["change"] == "-16.7"
    assert rows["within_deadline_percent"]["relative_change"] == "—"
    assert rows["first_answer_median_hours"]["relative_change"] == "+16.7%"
    assert rows["recommendations_raised"]["previous"] == "2"


def test_performance_compares_with_last_months_report_when_there_is_one(
    identity, case_data, recommendation_data, report_month
):
    previous = previous_period(ReportType.MONTHLY_PERFORMANCE, report_month[0])
    earlier, _created = produce(ReportType.MONTHLY_PERFORMANCE, previous)
    Report.objects.filter(pk=earlier.pk).update(summary={**earlier.summary, "total": 40})
    report, _created = produce(ReportType.MONTHLY_PERFORMANCE, report_month)
    with translation.override("ar"):
        figures = document_for(report.report_type).figures(report)
    assert figures["previous_from_report"]
    assert figures["previous"]["total"] == 40


# The monthly performance report's own pages and sheets, then those of the sections other
# apps add (reports.sections: support's requests, a page and six sheets).
SECTION_PAGES, SECTION_SHEETS = 1, 6


def test_performance_xlsx_has_every_case_escaped(performance, case_data, report_month):
    workbook = check_workbook(performance, 5 + SECTION_SHEETS)
    cases, key_figures, volumes, overdue, recommendations = workbook.worksheets[:5]
    listed = rows_of(cases)
    this_month = [
        case for key, case in case_data["cases"].items() if not key.startswith("previous")
    ]
    assert sorted(row[0] for row in listed) == sorted(c.tracking_number for c in this_month)
    assert_escaped(workbook, 0)
    late = next(row for row in listed if row[0] == case_data["cases"]["suggestion"].tracking_number)
    assert late[10] == 240.0
    assert late[11] == arabic("No")
    figures = {row[0]: row[1:] for row in rows_of(key_figures)}
    assert figures[arabic("Cases received")] == [7, 2, 5]
    dimensions = {row[0] for row in rows_of(volumes)}
    assert len(dimensions) == 5
    assert [row[0] for row in rows_of(overdue)] == [case_data["cases"]["malicious"].tracking_number]
    assert_escaped(workbook, 3)
    texts = [row[1] for row in rows_of(recommendations)]
    assert len(texts) == 3 and RAISED_TEXT in texts
    assert REASONS in [row[10] for row in rows_of(recommendations)]
    # Every date is a date cell, none written as text.
    assert_dates(cases, "received at", with_time=True)
    assert_dates(overdue, "due", with_time=True)
    assert_dates(recommendations, "raised at", with_time=False)
    assert_dates(recommendations, "due date", with_time=False)


# --- the monthly recurring-complaints report ---------------------------------------------------


@pytest.fixture
def recurring_report(identity, case_data, recommendation_data, report_month):
    report, created = produce(ReportType.MONTHLY_RECURRING, report_month)
    assert created
    return report


def test_recurring_pdf_pages_font_and_text(recurring_report, tmp_path):
    text = check_pdf(recurring_report, tmp_path, pages=2)
    assert arabic("Frequency over the last six months") in text
    assert GROUP_LABEL in text
    assert ROOT_CAUSES in text
    assert SOLUTIONS in text
    assert "انقطاع التكييف في القاعة" in text  # the group of similar wording
    assert LINKED_TEXT in text  # the recommendation linked to the group


def test_recurring_summary(recurring_report):
    assert recurring_report.summary == {
        "groups": 2,
        "complaints_total": 5,
        "complaints_in_groups": 4,
        "analysed_groups": 1,
        "solutions": 2,
        "solutions_implemented": 0,
        "solutions_overdue": 1,
        "recommendations": 1,
        "largest_group": recurring_report.summary["largest_group"],
        "largest_group_count": 2,
    }
    assert recurring_report.summary["largest_group"] in (GROUP_LABEL, "انقطاع التكييف في القاعة")
    json.dumps(recurring_report.summary)


def test_recurring_xlsx(recurring_report, case_data):
    workbook = check_workbook(recurring_report, 4)
    groups, cases, recommendations, _solutions = workbook.worksheets
    group_rows = {row[0]: row for row in rows_of(groups)}
    assert set(group_rows) == {GROUP_LABEL, "انقطاع التكييف في القاعة"}
    # Six months of frequency, this month last: one the month before, two this month.
    assert group_rows[GROUP_LABEL][5:11] == [0, 0, 0, 0, 1, 2]
    assert group_rows[GROUP_LABEL][11] == ROOT_CAUSES
    listed = sorted(row[1] for row in rows_of(cases))
    expected = [case_data["cases"][key].tracking_number for key in ("late_basket", "late_basket_2")]
    expected += [case_data["cases"][key].tracking_number for key in ("air_1", "air_2")]
    assert listed == sorted(expected)
    assert [row[0] for row in rows_of(recommendations)] == [GROUP_LABEL]
    assert_dates(groups, "First", with_time=False)
    assert_dates(groups, "Last", with_time=False)
    assert_dates(cases, "received at", with_time=True)
    assert_dates(recommendations, "due date", with_time=False)


# --- every type -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("report_type", "period_fixture"),
    [
        (ReportType.WEEKLY_OPPORTUNITIES, "report_week"),
        (ReportType.MONTHLY_PERFORMANCE, "report_month"),
        (ReportType.MONTHLY_RECURRING, "report_month"),
    ],
)
def test_the_same_period_again_creates_nothing(
    request, report_type, period_fixture, identity, opportunity_data, case_data, media_root
):
    period = request.getfixturevalue(period_fixture)
    report, created = produce(report_type, period)
    assert created
    content = pdf_bytes(report)
    again, created_again = produce(report_type, period)
    assert not created_again
    assert Report.objects.count() == 1
    assert again.pk == report.pk
    assert (again.pdf.name, again.xlsx.name) == (report.pdf.name, report.xlsx.name)
    assert pdf_bytes(again) == content
    stored = media_root / "reports"
    files = sorted(path.suffix for path in stored.rglob("*") if path.is_file())
    assert files.count(".pdf") == 1 and files.count(".xlsx") == 1


@pytest.mark.parametrize(
    ("report_type", "period_fixture", "pages"),
    [
        (ReportType.WEEKLY_OPPORTUNITIES, "report_week", 2),
        (ReportType.MONTHLY_PERFORMANCE, "report_month", 3 + 1),  # + support's section
        (ReportType.MONTHLY_RECURRING, "report_month", 1),
    ],
)
def test_an_empty_period_still_gives_both_files(
    request, report_type, period_fixture, pages, identity, tmp_path
):
    report, _created = produce(report_type, request.getfixturevalue(period_fixture))
    assert report.page_count == pages
    assert pdfinfo_pages(pdf_bytes(report), tmp_path) == pages
    assert workbook_of(report).worksheets
    json.dumps(report.summary)


def test_the_logo_is_printed(identity, report_month, tmp_path):
    if not shutil.which("pdfimages"):
        skip_or_fail("pdfimages (poppler-utils) is not installed")
    identity.logo.save("logo.png", SimpleUploadedFile("logo.png", small_png()), save=True)
    report, _created = produce(ReportType.MONTHLY_RECURRING, report_month)
    path = tmp_path / "logo.pdf"
    path.write_bytes(pdf_bytes(report))
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, check=True, text=True
    ).stdout
    assert len(listing.strip().splitlines()) >= 3  # two header lines, then the images


def test_a_missing_logo_file_does_not_fail_the_report(identity, report_month):
    identity.logo.name = "identity/gone.png"
    identity.save()
    report, _created = produce(ReportType.MONTHLY_RECURRING, report_month)
    assert report.page_count == 1


# --- the HTML behind the PDFs and the chart geometry (no WeasyPrint needed) -----------------------


def test_html_is_arabic_right_to_left_with_the_identity(
    identity, case_data, report_month, monkeypatch
):
    captured = capture_html(monkeypatch)
    report = Report(
        report_type=ReportType.MONTHLY_PERFORMANCE,
        period_start=report_month[0],
        period_end=report_month[1],
    )
    document = document_for(report.report_type)
    document.render(report, document.figures(report))
    html = captured["html"]
    assert '<html lang="ar" dir="rtl">' in html
    assert 'font-family: "Noto Sans Arabic", "Noto Sans"' in html
    assert "counter(page)" in html and "counter(pages)" in html and "arabic-indic" not in html
    assert "#1B4F72" in html and "#D4AC0D" in html  # the identity's colours
    assert "<thead>" in html
    assert "<svg" in html


def test_identity_colours_are_checked_before_printing(identity):
    identity.primary_colour = "red;}</style><script>"
    assert document_base.identity_colours(identity)["primary"] == document_base.DEFAULT_PRIMARY


def test_page_counter_css_escapes_quotes():
    assert document_base.css_string('a"b\\c') == '"a\\22 b\\5c c"'


def test_bar_chart_grows_from_the_labels_leftwards_in_arabic():
    chart = charts.bar_chart([("أ", 10, "10"), ("ب", 5, "5"), ("ج", 0, "0")], rtl=True)
    first, second, empty = chart["bars"]
    assert first.x + first.width == chart["width"]  # against the labels, on the right
    assert first.width == chart["width"] - charts.BAR_VALUE_WIDTH  # room for the value
    assert second.width == pytest.approx(first.width / 2)
    assert empty.width == 0
    assert first.value_x < first.x and first.value_anchor == "end"
    ltr = charts.bar_chart([("a", 10, "10")], rtl=False)["bars"][0]
    assert ltr.x == 0 and ltr.value_x > ltr.width and ltr.value_anchor == "start"


def test_column_chart_puts_the_oldest_month_on_the_right_in_arabic():
    rows = [("2026-09", 1, "1"), ("2026-10", 2, "2")]
    oldest, newest = charts.column_chart(rows, rtl=True)["columns"]
    assert oldest.x > newest.x
    assert newest.height == charts.COLUMN_AREA_HEIGHT
    oldest, newest = charts.column_chart(rows, rtl=False)["columns"]
    assert oldest.x < newest.x


def test_numbers_are_printed_with_separators():
    assert document_base.number(1234567) == "1,234,567"
    assert document_base.money(Decimal("1234.5")) == "1,234.50"
    assert document_base.percent(83.333) == "83.3%"
    assert document_base.signed(5) == "+5" and document_base.signed(-1.25, 1) == "-1.2"
    assert document_base.number(None) == "—"


def small_png():
    from PIL import Image

    output = BytesIO()
    Image.new("RGB", (40, 40), "#1B4F72").save(output, format="PNG")
    return output.getvalue()
