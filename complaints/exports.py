"""The complaints register as an XLSX workbook (manual 5.1.6): one row per case, written
by core.xlsx (right to left, Arabic headers, formula-safe text cells, real date cells, set
up to print).

Rows are read as plain values in chunks and written in openpyxl's write-only mode, so
memory stays flat however long the register is."""

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core import xlsx
from core.replica import on_replica

from .models import CASE_CHANNEL_CHOICES, CaseKind, CaseRoute, CaseState

CHUNK_SIZE = 2000
XLSX_CONTENT_TYPE = xlsx.CONTENT_TYPE

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


def _english():
    return (get_language() or "ar").startswith("en")


def case_rows(queryset):
    """One list of cell values per case, in the order of COLUMNS, as they are: core.xlsx
    writes formula-like text as text and the datetimes in Riyadh time."""
    labels = {
        "kind": {key: str(label) for key, label in CaseKind.choices},
        "channel": {key: str(label) for key, label in CASE_CHANNEL_CHOICES},
        "routed_to": {key: str(label) for key, label in CaseRoute.choices},
        "state": {key: str(label) for key, label in CaseState.choices},
    }
    yes, no = _("Yes"), _("No")
    english = _english()
    # Read from the streaming replica when there is one (core.replica).
    rows = on_replica(queryset).order_by("-received_at", "-id").values_list(*_FIELDS, named=True)
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        hours = within = None
        if row.replied_at is not None:
            hours = round((row.replied_at - row.received_at).total_seconds() / 3600, 1)
            if row.answer_due_at is not None:
                within = yes if row.replied_at <= row.answer_due_at else no
        centre = row.centre__name_en if english and row.centre__name_en else row.centre__name
        yield [
            row.tracking_number,
            labels["kind"].get(row.kind, row.kind),
            labels["channel"].get(row.channel, row.channel),
            labels["routed_to"].get(row.routed_to, row.routed_to),
            centre or "",
            row.category__name or "",
            row.customer__name or row.contact_name,
            row.subject,
            row.received_at,
            row.replied_at,
            hours,
            within or "",
            row.closed_at,
            labels["state"].get(row.state, row.state),
        ]


def write_xlsx(queryset, file):
    """Write the cases of `queryset` to `file` (binary, seekable) as an XLSX workbook."""
    workbook = xlsx.new_workbook()
    sheet = xlsx.RtlSheet(workbook, _("Complaints register"), COLUMNS)
    for row in case_rows(queryset):
        sheet.append(row)
    workbook.save(file)
