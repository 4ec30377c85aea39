"""The customer list as a spreadsheet: XLSX (right-to-left sheet) and CSV (UTF-8 with BOM).

Pure functions over a queryset; customers.views_data wraps them in responses."""

import csv
import datetime

from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .models import Customer
from .resources import EXPORT_COLUMNS, CustomerResource

CHUNK_SIZE = 2000

# A spreadsheet reads a cell starting with one of these as a formula (CSV injection):
# an apostrophe in front makes it plain text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMULA_ESCAPE = "'"

# Column widths in characters, by column (the header decides for the others).
COLUMN_WIDTHS = {
    "code": 12,
    "name": 32,
    "national_id": 14,
    "address": 40,
    "phone": 16,
    "mobile": 14,
    "email": 30,
    "point_of_contact": 18,
    "consent_date": 14,
}
MIN_WIDTH, MAX_WIDTH = 10, 45


def escape_formula(value):
    """Text that a spreadsheet would run as a formula, made harmless."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return FORMULA_ESCAPE + value
    return value


def export_rows(queryset, resource=None):
    """One list of cell values per customer, formula-escaped, fetched in chunks."""
    resource = resource or CustomerResource()
    queryset = queryset.select_related("city", "centre", "point_of_contact")
    for customer in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [escape_formula(value) for value in resource.export_row(customer)]


def export_headers(resource=None):
    return [escape_formula(header) for header in (resource or CustomerResource()).export_headers()]


def sheet_title():
    # Excel allows 31 characters and none of []:*?/\ in a sheet name.
    title = str(Customer._meta.verbose_name_plural)
    return "".join(char for char in title if char not in "[]:*?/\\")[:31] or "Sheet1"


def write_xlsx(queryset, file):
    """Write the customers to `file` (binary, seekable) as an XLSX workbook.

    Write-only mode streams rows to disk, so memory stays flat for a long list."""
    resource = CustomerResource()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title())
    sheet.sheet_view.rightToLeft = True
    sheet.freeze_panes = "A2"
    headers = export_headers(resource)
    for index, (name, header) in enumerate(zip(EXPORT_COLUMNS, headers, strict=True), start=1):
        width = COLUMN_WIDTHS.get(name, len(header) + 4)
        sheet.column_dimensions[get_column_letter(index)].width = max(
            MIN_WIDTH, min(MAX_WIDTH, width)
        )
    sheet.append([_header_cell(sheet, header) for header in headers])
    for row in export_rows(queryset, resource):
        sheet.append([_body_cell(sheet, value) for value in row])
    workbook.save(file)


_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E9ECEF")
_HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)


def _header_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = _HEADER_FONT
    cell.fill = _HEADER_FILL
    cell.alignment = _HEADER_ALIGNMENT
    return cell


def _body_cell(sheet, value):
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, str) and value.startswith("="):
        # Defensive: openpyxl stores a string starting with "=" as a formula. Escaped text
        # never does, but keep the guarantee local to the writer too.
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


class _Echo:
    """A file-like object whose write returns the line, for a streaming csv.writer."""

    def write(self, value):
        return value


def csv_lines(queryset, language=None):
    """The CSV, line by line: a UTF-8 BOM first so that Excel reads the Arabic correctly.

    A streaming response iterates after the view has returned: the labels are translated
    into `language` (the request's) explicitly."""
    writer = csv.writer(_Echo())
    with translation.override(language or translation.get_language()):
        yield "\ufeff" + writer.writerow(export_headers())
        for row in export_rows(queryset):
            yield writer.writerow([_csv_value(value) for value in row])


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
