"""The complaints register as an XLSX workbook (manual 5.1.6): one row per case, right to
left, Arabic headers, every text cell escaped against formula injection.

Rows are read as plain values in chunks and written in openpyxl's write-only mode, so
memory stays flat however long the register is."""

import datetime

from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.choices import ContactChannel
from customers.exports import escape_formula

from .models import CaseKind, CaseRoute, CaseState

CHUNK_SIZE = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (header, width in characters)
COLUMNS = (
    (gettext_lazy("tracking number"), 14),
    (gettext_lazy("type"), 12),
    (gettext_lazy("channel"), 16),
    (gettext_lazy("department"), 26),
    (gettext_lazy("neighbourhood centre"), 22),
    (gettext_lazy("category"), 20),
    (gettext_lazy("customer / contact"), 26),
    (gettext_lazy("subject"), 40),
    (gettext_lazy("received at"), 18),
    (gettext_lazy("replied at"), 18),
    (gettext_lazy("time to reply (hours)"), 12),
    (gettext_lazy("within the answer deadline"), 12),
    (gettext_lazy("closed at"), 18),
    (gettext_lazy("status"), 14),
)

_FIELDS = (
    "tracking_number",
    "kind",
    "channel",
    "routed_to",
    "centre__name",
    "centre__name_en",
    "category__name",
    "customer__name",
    "contact_name",
    "subject",
    "received_at",
    "replied_at",
    "answer_due_at",
    "closed_at",
    "state",
)

_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _english():
    return (get_language() or "ar").startswith("en")


def _local(value):
    """openpyxl refuses aware datetimes: Riyadh local time, without the zone."""
    if value is None:
        return None
    return timezone.localtime(value, timezone.get_default_timezone()).replace(tzinfo=None)


def case_rows(queryset):
    """One list of cell values per case, in the order of COLUMNS, formula-escaped."""
    labels = {
        "kind": {key: str(label) for key, label in CaseKind.choices},
        "channel": {key: str(label) for key, label in ContactChannel.choices},
        "routed_to": {key: str(label) for key, label in CaseRoute.choices},
        "state": {key: str(label) for key, label in CaseState.choices},
    }
    yes, no = _("Yes"), _("No")
    english = _english()
    rows = queryset.order_by("-received_at", "-id").values_list(*_FIELDS, named=True)
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        hours = within = None
        if row.replied_at is not None:
            hours = round((row.replied_at - row.received_at).total_seconds() / 3600, 1)
            if row.answer_due_at is not None:
                within = yes if row.replied_at <= row.answer_due_at else no
        centre = row.centre__name_en if english and row.centre__name_en else row.centre__name
        values = [
            row.tracking_number,
            labels["kind"].get(row.kind, row.kind),
            labels["channel"].get(row.channel, row.channel),
            labels["routed_to"].get(row.routed_to, row.routed_to),
            centre or "",
            row.category__name or "",
            row.customer__name or row.contact_name,
            row.subject,
            _local(row.received_at),
            _local(row.replied_at),
            hours,
            within or "",
            _local(row.closed_at),
            labels["state"].get(row.state, row.state),
        ]
        yield [escape_formula(value) for value in values]


def sheet_title():
    # Excel allows 31 characters and none of []:*?/\ in a sheet name.
    title = _("Complaints register")
    return "".join(char for char in title if char not in "[]:*?/\\")[:31] or "Sheet1"


_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E9ECEF")
_HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)


def _header_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=escape_formula(str(value)))
    cell.font = _HEADER_FONT
    cell.fill = _HEADER_FILL
    cell.alignment = _HEADER_ALIGNMENT
    return cell


def _body_cell(sheet, value):
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = _DATETIME_FORMAT
        return cell
    if isinstance(value, str) and value.startswith("="):
        # Escaped text never starts with "=", but openpyxl would store it as a formula:
        # keep the guarantee local to the writer too.
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def write_xlsx(queryset, file):
    """Write the cases of `queryset` to `file` (binary, seekable) as an XLSX workbook."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title())
    sheet.sheet_view.rightToLeft = True
    sheet.freeze_panes = "A2"
    for index, (_header, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([_header_cell(sheet, header) for header, _width in COLUMNS])
    for row in case_rows(queryset):
        sheet.append([_body_cell(sheet, value) for value in row])
    workbook.save(file)
