"""The customer list as a spreadsheet: XLSX (right-to-left sheet) and CSV (UTF-8 with BOM).

Pure functions over a queryset; customers.views_data wraps them in responses."""

import csv
import datetime

from django.utils import translation

from core import xlsx
from core.replica import on_replica, reading_replica
from core.spreadsheets import escape_formula

from .consents import consent_grids, consent_summaries
from .models import Customer
from .resources import EXPORT_COLUMNS, CustomerResource

CHUNK_SIZE = 2000

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


def export_rows(queryset, resource=None):
    """One list of cell values per customer, as they are (the writers make them safe),
    fetched in chunks."""
    resource = resource or CustomerResource()
    # Read from the streaming replica when there is one (core.replica): the CSV is streamed
    # after the view returns, so the queryset itself is bound to it.
    queryset = on_replica(queryset).select_related("city", "centre", "point_of_contact")
    chunk = []
    for customer in queryset.iterator(chunk_size=CHUNK_SIZE):
        chunk.append(customer)
        if len(chunk) == CHUNK_SIZE:
            yield from _rows_of(chunk, resource)
            chunk = []
    yield from _rows_of(chunk, resource)


def _rows_of(customers, resource):
    """The rows of a chunk of customers, their consents read together (two queries)."""
    if not customers:
        return
    pks = [customer.pk for customer in customers]
    with reading_replica():
        grids = consent_grids(pks)
        summaries = consent_summaries(pks)
    for customer in customers:
        customer.consent_grid = grids.get(customer.pk)
        customer.consent_summary = summaries.get(customer.pk)
        yield resource.export_row(customer)


def export_headers(resource=None):
    return [str(header) for header in (resource or CustomerResource()).export_headers()]


def sheet_title():
    return xlsx.sheet_title(Customer._meta.verbose_name_plural)


def write_xlsx(queryset, file):
    """Write the customers to `file` (binary, seekable) as an XLSX workbook (core.xlsx:
    right to left, streamed in write-only mode, set up to print)."""
    resource = CustomerResource()
    workbook = xlsx.new_workbook()
    columns = [
        (header, COLUMN_WIDTHS.get(name))
        for name, header in zip(EXPORT_COLUMNS, export_headers(resource), strict=True)
    ]
    sheet = xlsx.RtlSheet(workbook, sheet_title(), columns)
    for row in export_rows(queryset, resource):
        sheet.append(row)
    workbook.save(file)


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
        yield "\ufeff" + writer.writerow([escape_formula(h) for h in export_headers()])
        for row in export_rows(queryset):
            yield writer.writerow([escape_formula(_csv_value(value)) for value in row])


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
