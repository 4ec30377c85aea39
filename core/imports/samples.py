"""Workbooks as the field sends them, written straight as XML: for the tests of the reader
and for `manage.py bench_imports`.

- formatted down to row 1,048,576: a few rows of data, then every row of the sheet styled
  and empty (a 0.8 MB file holding some 190 MB of XML);
- bloated shared strings: a few rows of data in a workbook whose shared strings (its text)
  unpack to 150 MB, most of it unused;
- padded: a sheet whose XML unpacks to far more than its data (a zip bomb), with comments.
"""

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

LAST_EXCEL_ROW = 1_048_576
_CHUNK_ROWS = 20_000
_NAMESPACE = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"

_OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_OFFICE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_OFFICE}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_OFFICE}.sharedStrings+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_OFFICE}.styles+xml"/>'
    "</Types>"
)
_PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_PACKAGE}">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{_NAMESPACE}" '
    f'xmlns:r="{_RELATIONSHIPS}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
    "</sheets></workbook>"
)
_WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_PACKAGE}">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>'
    f'<Relationship Id="rId3" Type="{_RELATIONSHIPS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Style 0: general; style 1: a fill (what "formatting the whole column" leaves); style 2: a
# date (dd/mm/yyyy).
_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{_NAMESPACE}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFFFF00"/></patternFill></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs></styleSheet>"
)


@dataclass(frozen=True)
class FormulaCell:
    """A cell holding a formula (without its "="), with its cached value or none."""

    formula: str
    cached: str | None = None


@dataclass(frozen=True)
class DateSerial:
    """A number shown as a date (style 2): Excel's serial day number."""

    serial: int


def workbook_bytes(
    rows: Sequence[Sequence[object]],
    *,
    formatted_to: int | None = None,
    formatted_columns: int = 15,
    formatted_references: bool = False,
    shared_strings_bytes: int = 0,
    sheet_padding_bytes: int = 0,
) -> bytes:
    """An XLSX with `rows` (lists of str, int, float, None, FormulaCell, DateSerial) from
    row 1, then, if asked: every row down to `formatted_to` styled and empty; unused
    shared strings up to `shared_strings_bytes`; `sheet_padding_bytes` of white space in
    the sheet's XML after the data. The data rows carry their references (r="A1"); the
    formatted ones only with `formatted_references`."""
    shared: list[str] = []
    shared_index: dict[str, int] = {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                (
                    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    f'<worksheet xmlns="{_NAMESPACE}"><sheetData>'
                ).encode()
            )
            for number, row in enumerate(rows, start=1):
                sheet.write(_data_row(number, row, shared, shared_index).encode())
            # Comments: the parser keeps nothing of them, so only the unpacking costs.
            block = (b"<!--" + b" " * (64 * 1024 - 7) + b"-->") * 16  # 1 MB
            for _megabyte in range(sheet_padding_bytes // len(block)):
                sheet.write(block)
            if formatted_to:
                _write_formatted_rows(
                    sheet, len(rows) + 1, formatted_to, formatted_columns, formatted_references
                )
            sheet.write(b"</sheetData></worksheet>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            _write_shared_strings(strings, shared, shared_strings_bytes)
    return buffer.getvalue()


def _data_row(
    number: int, row: Sequence[object], shared: list[str], shared_index: dict[str, int]
) -> str:
    cells = []
    for column, value in enumerate(row, start=1):
        reference = f"{get_column_letter(column)}{number}"
        if value is None:
            continue
        if isinstance(value, FormulaCell):
            cached = "" if value.cached is None else f"<v>{escape(value.cached)}</v>"
            cells.append(f'<c r="{reference}" t="str"><f>{escape(value.formula)}</f>{cached}</c>')
        elif isinstance(value, DateSerial):
            cells.append(f'<c r="{reference}" s="2"><v>{value.serial}</v></c>')
        elif isinstance(value, bool):
            cells.append(f'<c r="{reference}" t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, int | float):
            cells.append(f'<c r="{reference}"><v>{value}</v></c>')
        else:
            index = shared_index.setdefault(str(value), len(shared))
            if index == len(shared):
                shared.append(str(value))
            cells.append(f'<c r="{reference}" t="s"><v>{index}</v></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def _write_formatted_rows(
    sheet: IO[bytes], first: int, last: int, columns: int, references: bool
) -> None:
    """Styled empty rows. Without references (`r` attributes, which are optional), every row
    is the same text and the part compresses some 250 to 1, as in the issue's file."""
    if not references:
        row = ('<row s="1" customFormat="1">' + '<c s="1"/>' * columns + "</row>").encode()
        for start in range(first, last + 1, _CHUNK_ROWS):
            sheet.write(row * (min(start + _CHUNK_ROWS, last + 1) - start))
        return
    cells = "".join(
        f'<c r="{get_column_letter(column)}%(n)d" s="1"/>' for column in range(1, columns + 1)
    )
    template = f'<row r="%(n)d" spans="1:{columns}" s="1" customFormat="1">{cells}</row>'
    for start in range(first, last + 1, _CHUNK_ROWS):
        end = min(start + _CHUNK_ROWS, last + 1)
        sheet.write("".join([template % {"n": number} for number in range(start, end)]).encode())


def _write_shared_strings(file: IO[bytes], shared: list[str], total_bytes: int) -> None:
    """The strings the rows use, then unused ones up to `total_bytes`, written as they are
    made (the counts, optional, are left out)."""
    file.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_NAMESPACE}">'.encode())
    data = "".join(f"<si><t>{escape(text)}</t></si>" for text in shared).encode()
    file.write(data)
    written, number = len(data), 0
    while written < total_bytes:
        chunk = []
        for _ in range(20_000):
            number += 1
            chunk.append(f"<si><t>ملاحظة رقم {number} من قائمة قديمة لم تعد مستخدمة</t></si>")
        data = "".join(chunk).encode()
        file.write(data)
        written += len(data)
    file.write(b"</sst>")
