"""One way to write every XLSX the CRM hands out (customer list and statistics, complaints
register, reports, import templates).

Each sheet is right to left, with bold Arabic headers on a frozen row, and prints well:
A4, landscape when the table is wide, fitted to one page wide, the header row repeated on
every page, page numbers in the footer. Cells:

- text that an office suite would read as a formula (= + - @, a tab or a carriage return
  first, e.g. "+966501234567" or '=HYPERLINK(…)') is a text cell with the quote-prefix
  style: shown and printed as typed, never run, and still text if someone edits it. No
  apostrophe is added to the value; CSV, which has no styles, keeps the apostrophe
  (core.spreadsheets.escape_formula).
- dates and datetimes are real date cells in one format everywhere (DATE_FORMAT,
  DATETIME_FORMAT), datetimes in Riyadh local time, never text.
- numbers are real number cells in the site's one number policy (core.numbers): a column's
  own format ("0.0%"), else Decimals, the amounts, grouped with two decimals ("#,##0.00"
  shows 12,500.50); integers stay plain (codes and counts read as typed).

Workbooks are write-only (openpyxl streams the rows to disk): memory stays flat however
long the sheet is. Sheet-wide settings are therefore all made before the first row.
"""

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from core.numbers import XLSX_AMOUNT_FORMAT
from core.spreadsheets import looks_like_formula

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TIME_FORMAT = "hh:mm"

# A sheet with more columns than this, or wider than A4 portrait holds at a readable size
# (in characters), prints in landscape.
PORTRAIT_MAX_COLUMNS = 6
PORTRAIT_MAX_WIDTH = 100
MIN_WIDTH, MAX_WIDTH = 10, 45

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E9ECEF")
_HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)
_TITLE_FONT = Font(bold=True, size=14)
_BOLD = Font(bold=True)


def new_workbook() -> Workbook:
    """An empty write-only workbook: add sheets with RtlSheet, then save it."""
    return Workbook(write_only=True)


def sheet_title(title: object) -> str:
    # Excel allows 31 characters and none of []:*?/\ in a sheet name.
    title = "".join(char for char in str(title) if char not in "[]:*?/\\")
    return title[:31] or "Sheet1"


@dataclass(frozen=True)
class Column:
    header: object  # text or a lazy translation
    width: float | None = None  # in characters; None: from the header
    number_format: str | None = None  # for the column's numbers, e.g. "0.0%"

    @classmethod
    def of(cls, spec: object) -> "Column":
        """A Column from a Column, a header alone, or (header, width[, number_format])."""
        if isinstance(spec, cls):
            return spec
        if isinstance(spec, tuple):
            return cls(*spec)
        return cls(spec)

    @property
    def print_width(self) -> float:
        width = self.width if self.width is not None else len(str(self.header)) + 4
        return max(MIN_WIDTH, min(MAX_WIDTH, width))


def _lines(column: Column) -> int:
    """Lines the column's header wraps onto (about one character per unit of width)."""
    return min(3, math.ceil(len(str(column.header)) / max(column.print_width - 2, 1)))


class RtlSheet:
    """A right-to-left sheet of a write-only workbook, set up for printing.

    `columns`: Column, (header, width) or (header, width, number_format) per column.
    `heading`: rows written above the table (a title, the filters applied); the first is
    the title, in large bold type. The table's header row comes next: it is frozen and
    repeated at the top of every printed page. Then append() the rows, in order."""

    def __init__(
        self,
        workbook: Workbook,
        title: object,
        columns: Iterable[object],
        *,
        heading: Sequence[Iterable[object]] = (),
    ) -> None:
        self.sheet = workbook.create_sheet(sheet_title(title))
        self.columns = [Column.of(column) for column in columns]
        self.header_row = len(heading) + 1
        self._set_up_view_and_printing()
        for index, values in enumerate(heading):
            font = _TITLE_FONT if index == 0 else None
            self.sheet.append([self.cell(value, font=font) for value in values])
        self.sheet.append([self._header_cell(column.header) for column in self.columns])

    def _set_up_view_and_printing(self) -> None:
        sheet, columns = self.sheet, self.columns
        sheet.sheet_view.rightToLeft = True
        sheet.freeze_panes = f"A{self.header_row + 1}"
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.print_width
        wide = len(columns) > PORTRAIT_MAX_COLUMNS or (
            sum(column.print_width for column in columns) > PORTRAIT_MAX_WIDTH
        )
        setup = sheet.page_setup
        setup.paperSize = Worksheet.PAPERSIZE_A4
        setup.orientation = "landscape" if wide else "portrait"
        # One page wide, as many pages down as the rows need.
        setup.fitToWidth, setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = f"{self.header_row}:{self.header_row}"
        # Room for headers that wrap: office suites do not grow a streamed row by themselves.
        lines = max((_lines(column) for column in columns), default=1)
        sheet.row_dimensions[self.header_row].height = 15 * lines + 3
        sheet.print_options.gridLines = True
        sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        sheet.HeaderFooter.oddFooter.center.text = "&P / &N"

    def _header_cell(self, value: object) -> Any:
        cell = self.cell(str(value), font=_HEADER_FONT)
        cell.fill = _HEADER_FILL
        cell.alignment = _HEADER_ALIGNMENT
        return cell

    def append(self, values: Iterable[object], *, bold: bool = False) -> None:
        """One row; `bold` for a total row."""
        font = _BOLD if bold else None
        columns = self.columns
        self.sheet.append(
            [
                self.cell(value, font=font, column=columns[index] if index < len(columns) else None)
                for index, value in enumerate(values)
            ]
        )

    def cell(self, value: object, *, font: Font | None = None, column: Column | None = None) -> Any:
        """A value as the sheet stores it. Plain values where nothing needs styling: on a
        long sheet a styled cell costs several times a plain one."""
        if isinstance(value, Promise):
            value = str(value)
        number_format = None
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):  # openpyxl refuses aware datetimes
                value = timezone.localtime(value, timezone.get_default_timezone())
            value, number_format = value.replace(tzinfo=None), DATETIME_FORMAT
        elif isinstance(value, datetime.date):
            number_format = DATE_FORMAT
        elif isinstance(value, datetime.time):
            number_format = TIME_FORMAT
        elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            number_format = column.number_format if column else None
            if number_format is None and isinstance(value, Decimal):
                number_format = XLSX_AMOUNT_FORMAT
        formula_like = looks_like_formula(value)
        if not (number_format or formula_like or font):
            return value
        cell = WriteOnlyCell(self.sheet, value=value)
        if formula_like:
            # openpyxl would store text starting with "=" as a formula: text it is, and
            # the quote prefix keeps it text when someone edits the cell.
            cell.data_type = "s"
            cell.quotePrefix = True
        if number_format:
            cell.number_format = number_format
        if font:
            cell.font = font
        return cell
