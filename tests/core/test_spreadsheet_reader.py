"""The one spreadsheet reader of the three imports: real files from the field (huge formatted
sheets, bloated shared strings, zip bombs, mixed encodings, formulas) are read correctly or
refused with a clear message. Timings are printed by `manage.py bench_imports`, never
asserted here."""

import codecs
import datetime
import io
import zipfile

import openpyxl
import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from core.imports import Formula, ImportFileError, SheetLimits, read_table, samples

LIMITS = SheetLimits(rows_noun=gettext_lazy("customer rows"), max_rows=100)
HEADER = ["الاسم", "الجوال", "تاريخ الموافقة"]
DATA = [
    ["نورة سعد الدوسري", "0551234567", "15/03/2025"],
    ["خالد عمر", "٠٥٦٢٢٢٣٣٤٤", "١٤٤٦/٠٩/١٥"],
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def read(content, name="file.xlsx", limits=LIMITS, **options):
    return read_table(content, name, limits, **options)


def openpyxl_bytes(rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- huge sheets ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def formatted_sheet():
    """The issue's file: two customers, then every row down to 1,048,576 styled and empty
    (about 190 MB of XML in a small file)."""
    return samples.workbook_bytes([HEADER, *DATA], formatted_to=samples.LAST_EXCEL_ROW)


def test_a_sheet_formatted_to_the_last_row_is_read_to_its_data(formatted_sheet):
    with zipfile.ZipFile(io.BytesIO(formatted_sheet)) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 150 * 1024 * 1024
    assert len(formatted_sheet) < 5 * 1024 * 1024

    table = read(formatted_sheet)

    assert table.header == HEADER
    assert table.rows == [(2, DATA[0]), (3, DATA[1])]
    # Reading stopped after the data: the rows below were never unpacked.
    assert table.stopped_after == 3


def test_formatted_rows_with_references_end_the_sheet_too():
    content = samples.workbook_bytes([HEADER, *DATA], formatted_to=5_000, formatted_references=True)
    table = read(content)
    assert [number for number, _cells in table.rows] == [2, 3]
    assert table.stopped_after == 3


def test_fifty_empty_rows_end_the_sheet_and_a_shorter_gap_does_not():
    rows = [HEADER, DATA[0], *[[]] * 49, DATA[1], *[[]] * 50, ["بعد الفجوة", "0550000000"]]
    table = read(openpyxl_bytes(rows))
    assert [number for number, _cells in table.rows] == [2, 52]
    assert table.stopped_after == 52


def test_more_rows_than_the_limit_are_refused_as_soon_as_they_are_met():
    rows = [HEADER, *[[f"عميل {number}", "0551234567"] for number in range(101)]]
    with pytest.raises(ImportFileError, match="more than 100 customer rows"):
        read(openpyxl_bytes(rows))
    with pytest.raises(ImportFileError, match="more than 100 customer rows"):
        read(_csv(rows), "file.csv")


# --- shared strings and zip bombs -----------------------------------------------------------


def test_a_workbook_with_150_mb_of_shared_strings_is_refused():
    content = samples.workbook_bytes([HEADER, *DATA], shared_strings_bytes=150 * 1024 * 1024)
    assert len(content) < 6 * 1024 * 1024
    with pytest.raises(ImportFileError) as refused:
        read(content, limits=SheetLimits(max_bytes=10 * 1024 * 1024))
    assert "150 MB of text, more than the 20 MB" in str(refused.value)


def test_shared_strings_under_the_cap_are_read():
    content = samples.workbook_bytes([HEADER, *DATA], shared_strings_bytes=2 * 1024 * 1024)
    assert read(content).rows == [(2, DATA[0]), (3, DATA[1])]


def test_a_sheet_that_unpacks_past_the_limit_is_refused():
    # 30 MB of comments inside the sheet's XML: a small file, a large unpacking.
    content = samples.workbook_bytes([HEADER, *DATA], sheet_padding_bytes=30 * 1024 * 1024)
    limits = SheetLimits(max_unpacked_bytes=20 * 1024 * 1024)
    with pytest.raises(ImportFileError, match="unpacks to more than 20 MB"):
        read(content, limits=limits)


def test_a_cell_longer_than_excel_allows_is_refused_before_it_is_held_in_memory():
    content = samples.workbook_bytes([HEADER, ["ن" * 200_000, "0551234567"]])
    with pytest.raises(ImportFileError, match="not a readable Excel workbook"):
        read(content)
    # The longest cell Excel allows is read.
    longest = samples.workbook_bytes([HEADER, ["ن" * 32_767, "0551234567"]])
    assert len(read(longest).rows[0][1][0]) == 32_767


def test_an_old_xls_or_password_protected_workbook_gets_its_own_message():
    with pytest.raises(ImportFileError, match="old Excel workbook"):
        read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04 not really a zip", b"just text", None],
    ids=["broken zip", "text", "zip without a workbook"],
)
def test_files_that_are_not_workbooks_are_refused(content):
    if content is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("readme.txt", "not a workbook")
        content = buffer.getvalue()
    with pytest.raises(ImportFileError, match="not a readable Excel workbook"):
        read(content)


# --- cells ----------------------------------------------------------------------------------


def test_a_formula_cell_is_read_as_its_formula_text_escaped():
    name = samples.FormulaCell('HYPERLINK("http://x.example/","نورة")')  # no cached value
    total = samples.FormulaCell("SUM(1,2)", cached="3")
    content = samples.workbook_bytes([HEADER, [name, "0551234567", total]])
    [(number, cells)] = read(content).rows
    assert number == 2
    assert isinstance(cells[0], Formula)
    assert cells[0] == '\'=HYPERLINK("http://x.example/","نورة")'
    assert cells[0].formula == '=HYPERLINK("http://x.example/","نورة")'
    assert cells[2] == "'=SUM(1,2)" and cells[2].cached == "3"


def test_shared_formulas_are_translated_to_each_cell():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["a", "b"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    # Excel writes a formula filled down once, on its first cell.
    sheet_xml = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>b</t></is></c></row>'
        '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><f t="shared" ref="B2:B3" si="0">A2*2</f>'
        '<v>2</v></c></row><row r="3"><c r="A3"><v>5</v></c><c r="B3"><f t="shared" si="0"/>'
        "<v>10</v></c></row></sheetData></worksheet>"
    )
    content = _replace_part(buffer.getvalue(), "xl/worksheets/sheet1.xml", sheet_xml)
    rows = read(content).rows
    assert rows[0][1][1] == "'=A2*2"
    assert rows[1][1][1] == "'=A3*2"


def test_cells_read_as_openpyxl_reads_them():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["رقم الإيصال", "التاريخ", None, "المبلغ"])
    sheet.append([1001, datetime.datetime(2024, 3, 1), "نص عربي", 12500.75, True, -3])
    sheet.append([None, None, "فجوة"])
    sheet["B4"] = 45352
    sheet["B4"].number_format = "dd/mm/yyyy"
    buffer = io.BytesIO()
    workbook.save(buffer)

    rows = read(buffer.getvalue()).rows

    assert rows[0] == (2, [1001, datetime.datetime(2024, 3, 1), "نص عربي", 12500.75, True, -3])
    assert rows[1] == (3, [None, None, "فجوة"])
    assert rows[2] == (4, [None, datetime.datetime(2024, 3, 1)])


def test_the_1904_calendar():
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    workbook = openpyxl.Workbook()
    workbook.epoch = CALENDAR_MAC_1904
    workbook.active.append(["date"])
    workbook.active.append([datetime.datetime(2024, 3, 1)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read(buffer.getvalue()).rows == [(2, [datetime.datetime(2024, 3, 1)])]


# --- CSV encodings --------------------------------------------------------------------------


def _csv(rows, encoding="utf-8"):
    lines = [",".join(str(cell) for cell in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


@pytest.mark.parametrize(
    ("encoding", "prefix", "source"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
        ("cp1256", b"", "windows-1256"),
    ],
)
def test_csv_encodings_are_detected_per_file(encoding, prefix, source):
    data = [DATA[0], ["خالد عمر", "0562223344", "1446/09/15"]]  # Windows-1256 has no ٠-٩
    table = read(prefix + _csv([HEADER, *data], encoding), "file.csv")
    assert table.source == source
    assert table.header == HEADER
    assert table.rows == [(2, data[0]), (3, data[1])]
    assert not table.bad_rows


def test_a_windows_1256_file_with_a_utf8_line_reports_that_row_and_reads_the_others():
    lines = [
        ",".join(HEADER).encode("cp1256"),
        ",".join(DATA[0]).encode("cp1256"),
        "فاطمة الزهراني,0501110004,".encode(),  # pasted from a UTF-8 file
        "سارة القحطاني,0501110005,".encode("cp1256"),
    ]
    table = read(b"\r\n".join(lines) + b"\r\n", "file.csv")
    assert table.source == "windows-1256"
    assert [number for number, _cells in table.rows] == [2, 4]
    assert table.rows[1][1][0] == "سارة القحطاني"
    [(number, message)] = table.bad_rows
    assert number == 3
    assert "another encoding (UTF-8)" in message
    assert all("\ufffd" not in cell for _number, cells in table.rows for cell in cells)


def test_a_utf8_file_with_windows_1256_lines_reports_them():
    lines = [
        ",".join(HEADER).encode(),
        ",".join(DATA[0]).encode(),
        "سارة القحطاني,0501110005,".encode("cp1256"),
        ",".join(DATA[1]).encode(),
    ]
    table = read(b"\n".join(lines), "file.csv")
    assert table.source == "utf-8"
    assert [number for number, _cells in table.rows] == [2, 4]
    assert table.bad_rows[0][0] == 3
    assert "not written in the file's encoding (UTF-8)" in table.bad_rows[0][1]


def test_a_replacement_character_already_in_the_file_is_never_imported():
    content = _csv([HEADER, ["نور\ufffdة", "0551234567", ""], DATA[1]])
    table = read(content, "file.csv")
    assert [number for number, _cells in table.rows] == [3]
    assert table.bad_rows[0][0] == 2 and "\ufffd" in table.bad_rows[0][1]


def test_an_unreadable_header_refuses_the_file():
    content = b"\xc3\x28,name\n" + "\n".join(",".join(row) for row in DATA).encode()
    with pytest.raises(ImportFileError, match="column headers in the first row cannot be read"):
        read(content, "file.csv")


def test_a_quoted_field_over_two_lines_keeps_the_record_numbers():
    content = ('الاسم,ملاحظات\r\nنورة,"سطر أول\r\nسطر ثان"\r\nخالد,\r\n').encode()
    table = read(content, "file.csv")
    assert table.rows == [(2, ["نورة", "سطر أول\r\nسطر ثان"]), (3, ["خالد", ""])]


def _replace_part(content, name, text):
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = text.encode() if member.filename == name else source.read(member)
            target.writestr(member.filename, data)
    return buffer.getvalue()
