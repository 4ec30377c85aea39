"""The one XLSX writer (issue 10, item 22): formula-like text as quote-prefixed text cells
without an apostrophe, real date cells in one format, every sheet set up for printing."""

import datetime
import io
import re
import zipfile
import zoneinfo
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from core import xlsx
from core.spreadsheets import escape_formula

RIYADH = zoneinfo.ZoneInfo("Asia/Riyadh")
FORMULA_LIKE = ["+966501234567", '=HYPERLINK("http://evil.example","x")', "@SUM(1+1)", "-2+3"]
FORMULA_LIKE += ["\tindent", "\rline"]


def build(columns, rows, heading=()):
    workbook = xlsx.new_workbook()
    sheet = xlsx.RtlSheet(workbook, "قائمة العملاء", columns, heading=heading)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def first_sheet(content):
    return openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_formula_like_text_is_a_quote_prefixed_text_cell_without_an_apostrophe(text):
    sheet = first_sheet(build([("value", 20)], [[text], ["مريم خالد"]]))
    cell, plain = sheet["A2"], sheet["A3"]
    # No apostrophe in the value (XML reads a carriage return back as a line feed).
    assert cell.value == text.replace("\r", "\n")
    assert cell.data_type == "s"
    assert cell.quotePrefix is True
    assert plain.value == "مريم خالد" and plain.quotePrefix is False


def test_formula_like_text_is_never_stored_as_a_formula():
    content = build([("value", 20)], [[text] for text in FORMULA_LIKE])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
        styles_xml = archive.read("xl/styles.xml").decode()
    assert "<f>" not in sheet_xml
    assert 'quotePrefix="1"' in styles_xml
    assert "'+966" not in sheet_xml


def test_headers_are_bold_arabic_and_formula_safe():
    sheet = first_sheet(build([("الاسم", 30), ("=عمود", 12)], []))
    assert [cell.value for cell in sheet[1]] == ["الاسم", "=عمود"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet["B1"].quotePrefix is True
    assert sheet.sheet_view.rightToLeft is True
    assert sheet.freeze_panes == "A2"


def test_dates_and_datetimes_are_real_date_cells_in_one_format():
    aware = datetime.datetime(2026, 1, 15, 9, 30, tzinfo=datetime.UTC)  # 12:30 in Riyadh
    naive = datetime.datetime(2026, 1, 16, 8, 0)
    content = build(
        [("day", 12), ("moment", 18), ("naive", 18)],
        [[datetime.date(2026, 1, 15), aware, naive]],
    )
    day, moment, local = first_sheet(content)[2]
    assert day.is_date and day.value == datetime.datetime(2026, 1, 15)
    assert day.number_format == xlsx.DATE_FORMAT == "yyyy-mm-dd"
    assert moment.is_date and moment.value == datetime.datetime(2026, 1, 15, 12, 30)
    assert moment.number_format == xlsx.DATETIME_FORMAT == "yyyy-mm-dd hh:mm"
    assert local.value == naive and local.number_format == xlsx.DATETIME_FORMAT


def test_numbers_stay_numbers_with_their_columns_format():
    content = build(
        [("label", 20), ("count", 10), ("share", 10, "0.0%")],
        [["جدة", 3, 0.6], ["مكة", Decimal("2"), Decimal("0.4")]],
    )
    sheet = first_sheet(content)
    assert sheet["B2"].value == 3 and sheet["B2"].data_type == "n"
    assert sheet["C2"].value == pytest.approx(0.6) and sheet["C2"].number_format == "0.0%"
    assert sheet["C3"].number_format == "0.0%"


def test_amounts_are_grouped_with_two_decimals_and_integers_stay_plain():
    """One number policy (core.numbers): 12,500.50 on the page, in the PDF and in Excel."""
    from core.numbers import XLSX_AMOUNT_FORMAT

    content = build(
        [("code", 10), ("amount", 14)],
        [[100001, Decimal("12500.50")], [100002, Decimal("0")]],
    )
    sheet = first_sheet(content)
    assert sheet["A2"].value == 100001 and sheet["A2"].number_format == "General"
    assert sheet["B2"].value == pytest.approx(12500.5) and sheet["B2"].data_type == "n"
    assert sheet["B2"].number_format == XLSX_AMOUNT_FORMAT == "#,##0.00"


def test_a_total_row_is_bold():
    workbook = xlsx.new_workbook()
    sheet = xlsx.RtlSheet(workbook, "t", [("a", 10), ("b", 10)])
    sheet.append(["المجموع", 5], bold=True)
    output = io.BytesIO()
    workbook.save(output)
    assert all(cell.font.bold for cell in first_sheet(output.getvalue())[2])


def assert_prints_one_page_wide(sheet, *, landscape, title_row=1):
    setup = sheet.page_setup
    assert setup.orientation == ("landscape" if landscape else "portrait")
    assert int(setup.paperSize) == 9  # A4
    assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == f"${title_row}:${title_row}"


def test_a_wide_sheet_prints_landscape_one_page_wide_with_the_header_on_every_page():
    columns = [(f"عمود {index}", 14) for index in range(7)]
    sheet = first_sheet(build(columns, [[index] * 7 for index in range(200)]))
    assert_prints_one_page_wide(sheet, landscape=True)
    assert sheet.oddFooter.center.text == "&P / &N"


def test_a_narrow_sheet_prints_portrait():
    sheet = first_sheet(build([("a", 30), ("b", 12), ("c", 12)], [["x", 1, 2]]))
    assert_prints_one_page_wide(sheet, landscape=False)


def test_a_few_very_wide_columns_print_landscape():
    sheet = first_sheet(build([("a", 45), ("b", 45), ("c", 45)], [["x", "y", "z"]]))
    assert_prints_one_page_wide(sheet, landscape=True)


def test_heading_rows_come_above_the_repeated_header_row():
    generated = datetime.datetime(2026, 1, 15, 9, 30, tzinfo=RIYADH)
    content = build(
        [("المدينة", 30), ("العدد", 12)],
        [["جدة", 3]],
        heading=[["إحصاءات العملاء"], ["تاريخ الإعداد", generated], ["=مرشح", "+قيمة"], []],
    )
    sheet = first_sheet(content)
    assert sheet["A1"].value == "إحصاءات العملاء" and sheet["A1"].font.bold
    assert sheet["B2"].is_date and sheet["B2"].number_format == xlsx.DATETIME_FORMAT
    assert sheet["A3"].value == "=مرشح" and sheet["A3"].quotePrefix
    assert [cell.value for cell in sheet[5]] == ["المدينة", "العدد"]
    assert all(cell.font.bold for cell in sheet[5])
    assert sheet.freeze_panes == "A6"
    assert_prints_one_page_wide(sheet, landscape=False, title_row=5)


def test_csv_keeps_the_apostrophe():
    assert escape_formula("+966501234567") == "'+966501234567"
    assert escape_formula("مريم") == "مريم"
    assert escape_formula(5) == 5


def test_no_module_but_core_xlsx_writes_a_workbook():
    """Every XLSX the CRM hands out goes through core.xlsx (reading one is another matter)."""
    root = Path(__file__).resolve().parents[2]
    apps = ("core", "association", "customers", "programmes", "finance", "opportunities")
    apps += ("complaints", "reports", "crm_site")
    writers = []
    for app in apps:
        for path in (root / app).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            # \b: the import reader's own _Workbook class reads, it does not write.
            if re.search(r"\bWorkbook\(|WriteOnlyCell|\.create_sheet\(", text):
                writers.append(str(path.relative_to(root)))
    assert writers == ["core/xlsx.py"]
