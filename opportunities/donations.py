"""Donations received, as the finance system records them (manual 6.1.7: the customer
database is linked to the finance system): the import of its files. The donations, their
matching by hand and their reads are the finance app's (finance/models.py, services.py,
selectors.py).

The finance system exports a spreadsheet (receipt number, date, amount, donor code,
programme code). `import_donations` reads it in two steps: a dry run that says, row by row,
what would happen, and a confirmation that writes the new rows in one transaction. The
receipt number is unique, so a file (or a row) imported twice adds nothing the second time.
A row whose donor or programme code is not found is still recorded, with the codes as
written, and waits on the unmatched-donations page for a person to match it.

Pure functions (no HttpRequest): opportunities.views_donations and the benchmark command
call them.
"""

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import DateParseError, parse_saudi_date
from core.imports import (
    Formula,
    ImportFileError,
    cell_text,
    file_digest,
    formula_message,
    no_rows_message,
)
from core.imports import importer as core_importer
from core.imports.importer import DryRun, Importer, RowError, batches
from core.jobs import NO_PROGRESS, Progress
from core.numbers import format_amount
from core.text import normalize_arabic, normalize_digits
from customers.models import CODE_MAX_DIGITS, Customer
from customers.profile_cache import renew_for_rows
from finance.models import Donation, DonationImport
from finance.selectors import unmatched_condition
from programmes import funding
from programmes.models import Programme

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UPLOAD_MEGABYTES = MAX_UPLOAD_BYTES // (1024 * 1024)
# A year of receipts; 50,000 rows are read, checked and written in a few seconds.
MAX_ROWS = 50_000
ALLOWED_EXTENSIONS = (".xlsx", ".csv")
INSERT_BATCH = 5000
# The fields' max_length (set on both: never None).
RECEIPT_MAX_LENGTH = cast(int, Donation._meta.get_field("receipt_number").max_length)
CODE_MAX_LENGTH = cast(int, Donation._meta.get_field("donor_code_as_imported").max_length)

AMOUNT_MAX = Decimal("999999999999.99")  # max_digits=14, decimal_places=2
CENT = Decimal("0.01")

NEW, ALREADY_IMPORTED, UNMATCHED, ERROR = "new", "already_imported", "unmatched", "error"
OUTCOME_LABELS = {
    NEW: gettext_lazy("New"),
    ALREADY_IMPORTED: gettext_lazy("Already imported"),
    UNMATCHED: gettext_lazy("Unmatched (kept aside)"),
    ERROR: gettext_lazy("Error"),
}
OUTCOME_BADGES = {
    NEW: "success",
    ALREADY_IMPORTED: "secondary",
    UNMATCHED: "warning",
    ERROR: "danger",
}
WRITTEN_OUTCOMES = (NEW, UNMATCHED)

COLUMNS = ("receipt_number", "received_on", "amount", "donor_code", "programme_code")
COLUMN_LABELS = {
    "receipt_number": gettext_lazy("Receipt number"),
    "received_on": gettext_lazy("Date"),
    "amount": gettext_lazy("Amount (SAR)"),
    "donor_code": gettext_lazy("Donor code"),
    "programme_code": gettext_lazy("Programme code"),
}
# Headers as the finance system and people write them (DonationImporter.header_key).
COLUMN_ALIASES = {
    "receipt_number": (
        "رقم الإيصال",
        "رقم السند",
        "رقم سند القبض",
        "الإيصال",
        "receipt number",
        "receipt no",
        "receipt",
    ),
    "received_on": (
        "التاريخ",
        "تاريخ الإيصال",
        "تاريخ الاستلام",
        "تاريخ التبرع",
        "date",
        "received on",
        "date received",
        "receipt date",
    ),
    "amount": ("المبلغ", "المبلغ بالريال", "قيمة التبرع", "amount", "amount sar"),
    "donor_code": (
        "رقم العميل",
        "رمز المانح",
        "رقم المانح",
        "رمز العميل",
        "كود المانح",
        "donor code",
        "donor number",
        "customer code",
    ),
    "programme_code": (
        "رمز البرنامج",
        "رقم البرنامج",
        "كود البرنامج",
        "programme code",
        "program code",
    ),
}

# "12500", "12500.5", "12,500.00": thousands grouped by three or not at all, so that a
# European "12.500,00" is refused instead of read as 12.5.
_AMOUNT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_CURRENCY_WORDS = ("SAR", "sar", "ر.س.", "ر.س", "ريال", "رس", "\ufdfc")
_INVISIBLE = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u00a0\u202f "))
_AMOUNT_SEPARATORS = str.maketrans({"\u066c": ",", "\u060c": ",", "\u066b": "."})
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")


# --- results ----------------------------------------------------------------------------


@dataclass(slots=True)
class DonationRow:
    number: int  # as in the spreadsheet: the header is row 1
    receipt_number: str = ""
    received_on: datetime.date | None = None
    amount: Decimal | None = None
    donor_code: str = ""  # as written, Arabic-Indic digits made ASCII
    programme_code: str = ""
    # A stored dry run (StoredDryRun) keeps only what the preview shows: the donor's code
    # and name, the programme as text.
    donor: "Customer | _StoredDonor | None" = None
    programme: Programme | str | None = None
    receipt_readable: bool = False  # present and not too long
    outcome: str = ERROR
    errors: list[RowError] = field(default_factory=list)
    notes: list[Any] = field(default_factory=list)  # [str]: why unmatched, what differs

    @property
    def outcome_label(self) -> Any:
        return OUTCOME_LABELS[self.outcome]

    @property
    def badge(self) -> str:
        return OUTCOME_BADGES[self.outcome]

    def as_donation(self, source: DonationImport) -> Donation:
        # A row read from the file, without error: its date and amount were read, its donor
        # and programme are records or None.
        donor = cast("Customer | None", self.donor)
        programme = cast("Programme | None", self.programme)
        return Donation(
            receipt_number=self.receipt_number,
            received_on=cast(datetime.date, self.received_on),
            amount=cast(Decimal, self.amount),
            # Ids, not objects: cheaper over 50,000 rows.
            donor_id=donor.pk if donor else None,
            programme_id=programme.pk if programme else None,
            donor_code_as_imported=self.donor_code,
            programme_code_as_imported=self.programme_code,
            source_id=source.pk,
        )


@dataclass
class DonationImportResult(DryRun):
    filename: str
    digest: str
    dry_run: bool
    rows: list[DonationRow]  # in file order
    ignored_columns: list[str]  # headers that name no column
    previous_import: DonationImport | None = None  # the same file, imported before
    record: DonationImport | None = None  # set when confirmed
    stopped_after: int | None = None  # the sheet's last row read (empty rows follow it)

    outcome_labels = OUTCOME_LABELS
    problem_outcomes = (ERROR, UNMATCHED)
    # The rows to look at (errors, unmatched) and the first others are listed.
    problem_rows_shown = 1000
    other_rows_shown = 200

    @property
    def to_write(self) -> int:
        return sum(1 for row in self.rows if row.outcome in WRITTEN_OUTCOMES)

    @property
    def total_amount(self) -> Decimal:
        """The amount of the rows that are (or would be) written."""
        # A row written has no error: its amount was read.
        amounts = (
            cast(Decimal, row.amount) for row in self.rows if row.outcome in WRITTEN_OUTCOMES
        )
        return sum(amounts, Decimal("0"))

    @property
    def can_confirm(self) -> bool:
        return self.dry_run and self.to_write > 0

    def extra_data(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "digest": self.digest,
            "ignored_columns": self.ignored_columns,
            "previous_import": self.previous_import.pk if self.previous_import else None,
            "stopped_after": self.stopped_after,
            "to_write": self.to_write,
            "total_amount": str(self.total_amount),
            "can_confirm": self.can_confirm,
        }

    def row_data(self, row: DonationRow) -> dict[str, Any]:
        return _row_data(row)


def _row_data(row: DonationRow) -> dict[str, Any]:
    return {
        "number": row.number,
        "outcome": row.outcome,
        "receipt_number": row.receipt_number,
        "received_on": row.received_on.isoformat() if row.received_on else None,
        "amount": str(row.amount) if row.amount is not None else None,
        "donor": {"code": row.donor.code, "name": row.donor.name} if row.donor else None,
        "donor_code": row.donor_code,
        "programme": str(row.programme) if row.programme else None,
        "programme_code": row.programme_code,
        "errors": [[error.column, error.message] for error in row.errors],
        "notes": [str(note) for note in row.notes],
    }


@dataclass
class _StoredDonor:
    code: int
    name: str


class StoredDryRun(core_importer.StoredDryRun):
    """A dry run kept by its background job, for the preview page."""

    dry_run = True

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.total_amount = Decimal(data["total_amount"])
        self.previous_import = (
            DonationImport.objects.select_related("imported_by")
            .filter(pk=data["previous_import"])
            .first()
            if data["previous_import"]
            else None
        )

    def make_rows(self, rows: list[Any]) -> list[Any]:
        return [self._row(row) for row in rows]

    @staticmethod
    def _row(data: dict[str, Any]) -> DonationRow:
        row = DonationRow(
            number=data["number"],
            receipt_number=data["receipt_number"],
            received_on=datetime.date.fromisoformat(data["received_on"])
            if data["received_on"]
            else None,
            amount=Decimal(data["amount"]) if data["amount"] is not None else None,
            donor_code=data["donor_code"],
            programme_code=data["programme_code"],
            outcome=data["outcome"],
            errors=[RowError(*error) for error in data["errors"]],
            notes=data["notes"],
        )
        row.donor = _StoredDonor(**data["donor"]) if data["donor"] else None
        row.programme = data["programme"]
        return row


# --- the columns and the reading of the file ---------------------------------------------


class DonationImporter(Importer):
    """The finance export's columns, every one required; headers compared folded (see
    header_key): Arabic spelling variants, case, underscores and a unit in brackets do not
    matter, and "رقم العميل/رمز المانح" names the donor code by either part."""

    # A year of receipts: more rows, and more text, than a customer list.
    rows_noun = gettext_lazy("donation rows")
    max_shared_strings_bytes = 40 * 1024 * 1024
    columns = COLUMNS
    required_columns = COLUMNS
    split_alternatives = True

    max_rows = MAX_ROWS

    @property
    def max_bytes(self) -> int:  # type: ignore[override]  # a property over the class's int
        # The module's constant stays the knob (the tests lower it).
        return MAX_UPLOAD_BYTES

    def column_label(self, name: str) -> str:
        return column_label(name)

    def header_aliases(self) -> Mapping[str, Iterable[str]]:
        return COLUMN_ALIASES

    def header_key(self, text: object) -> str:
        folded = normalize_arabic(normalize_digits(_BRACKETED.sub(" ", str(text or ""))))
        folded = folded.replace("_", " ").replace("-", " ").replace(".", " ")
        return " ".join(folded.split()).strip(" *:")

    def missing_columns_message(self) -> str:
        return _(
            "The first row of the file must hold the column headers of the finance "
            "export: receipt number, date, amount, donor code and programme code. "
            "Missing columns: %(columns)s."
        )


IMPORTER = DonationImporter()


def column_label(name: str) -> str:
    return str(COLUMN_LABELS[name])


# --- one row, without the database ------------------------------------------------------


class _CellError(ValueError):
    """A cell that cannot be read; the message is for the user."""


def parse_date(value: object, today: datetime.date | None = None) -> datetime.date:
    """A receipt date as Saudi users write it (core.dates.parse_saudi_date: a date cell, an
    Excel serial, Hijri, day first, ISO), never in the future. Raises _CellError."""
    if isinstance(value, Formula):
        raise _CellError(formula_message(value))
    try:
        day = parse_saudi_date(value, today=today or timezone.localdate())
    except DateParseError as error:
        raise _CellError(error.message) from error
    if day is None:
        raise _CellError(_("The date is missing."))
    return day


def parse_amount(value: object) -> Decimal:
    """An amount in riyals: a number cell, or text such as "12,500.00" or "١٢٬٥٠٠٫٠٠".
    More than zero, at most two decimal places. Raises _CellError."""
    if isinstance(value, Formula):
        raise _CellError(formula_message(value))
    if isinstance(value, bool):
        raise _CellError(_("The amount is not a number."))
    if isinstance(value, float):
        # Excel keeps amounts as binary floats: 0.1 + 0.2 is 0.30000000000000004.
        rounded = round(value, 2)
        amount = Decimal(repr(rounded)) if abs(value - rounded) < 1e-6 else Decimal(repr(value))
    elif isinstance(value, int | Decimal):
        amount = Decimal(value)
    else:
        amount = _amount_from_text(cell_text(value))
    if not amount.is_finite():
        raise _CellError(_("The amount is not a number."))
    if amount <= 0:
        raise _CellError(_("The amount must be more than zero."))
    if amount != amount.quantize(CENT):
        raise _CellError(_("An amount has at most two decimal places."))
    if amount > AMOUNT_MAX:
        raise _CellError(_("The amount is too large."))
    return amount.quantize(CENT)


def _amount_from_text(text: str) -> Decimal:
    text = normalize_digits(text).translate(_AMOUNT_SEPARATORS)
    for word in _CURRENCY_WORDS:
        text = text.replace(word, "")
    text = text.translate(_INVISIBLE)
    if not text:
        raise _CellError(_("The amount is missing."))
    # An accountant's negative: (500.00).
    if text.startswith("(") and text.endswith(")"):
        text = f"-{text[1:-1]}"
    if not _AMOUNT.match(text):
        raise _CellError(
            _("“%(value)s” is not an amount. Write it as 12500.00 or 12,500.00.") % {"value": text}
        )
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation as error:
        raise _CellError(_("The amount is not a number.")) from error


def _code(value: object) -> str:
    return normalize_digits(cell_text(value)).strip()


class _RowParser:
    def __init__(self, headers: dict[str, str], today: datetime.date) -> None:
        self.headers = headers
        self.today = today

    def parse(self, number: int, raw: dict[str, Any]) -> DonationRow:
        row = DonationRow(number=number)
        row.receipt_number = _code(raw["receipt_number"])
        if not row.receipt_number:
            self._error(row, "receipt_number", _("The receipt number is missing."))
        elif len(row.receipt_number) > RECEIPT_MAX_LENGTH:
            self._error(row, "receipt_number", self._too_long(RECEIPT_MAX_LENGTH))
        else:
            row.receipt_readable = True
        try:
            row.received_on = parse_date(raw["received_on"], self.today)
        except _CellError as error:
            self._error(row, "received_on", str(error))
        try:
            row.amount = parse_amount(raw["amount"])
        except _CellError as error:
            self._error(row, "amount", str(error))
        for name in ("donor_code", "programme_code"):
            code = _code(raw[name])
            if len(code) > CODE_MAX_LENGTH:
                self._error(row, name, self._too_long(CODE_MAX_LENGTH))
            else:
                setattr(row, name, code)
        return row

    def _error(self, row: DonationRow, name: str, message: str) -> None:
        row.errors.append(RowError(self.headers[name], message))

    @staticmethod
    def _too_long(length: int) -> str:
        return _("Longer than %(length)s characters.") % {"length": length}


# --- lookups: one query per 1,000 keys --------------------------------------------------


def _existing_receipts(
    receipts: Iterable[str],
) -> dict[str, tuple[datetime.date, Decimal]]:
    """{receipt number: (date, amount)} of the receipts already recorded."""
    found: dict[str, tuple[datetime.date, Decimal]] = {}
    for chunk in batches(receipts):
        rows = Donation.objects.filter(receipt_number__in=chunk).values_list(
            "receipt_number", "received_on", "amount"
        )
        found.update((receipt, (day, amount)) for receipt, day, amount in rows)
    return found


def _customer_code(text: str) -> int | None:
    if text.isdigit() and len(text) <= CODE_MAX_DIGITS:
        return int(text)
    return None


def _customers_by_code(codes: Iterable[int]) -> dict[int, Customer]:
    found: dict[int, Customer] = {}
    for chunk in batches(codes):
        customers = Customer.objects.filter(code__in=chunk).only("pk", "code", "name", "kind")
        found.update((customer.code, customer) for customer in customers)
    return found


def _programmes_by_code(codes: Iterable[str]) -> dict[str, Programme | None]:
    """Programmes by code as written, else by the code in capitals ("prg-1" is PRG-1)."""
    wanted = set(codes) | {code.upper() for code in codes}
    found: dict[str, Programme] = {}
    for chunk in batches(wanted):
        programmes = Programme.objects.filter(code__in=chunk).only("pk", "code", "name")
        found.update((programme.code, programme) for programme in programmes)
    return {code: found.get(code) or found.get(code.upper()) for code in codes}


def _resolve(rows: list[DonationRow], receipt_column: str) -> None:
    """Decide every row's outcome against the database as it is now."""
    existing = _existing_receipts({row.receipt_number for row in rows if row.receipt_readable})
    customers = _customers_by_code(
        {code for row in rows if (code := _customer_code(row.donor_code)) is not None}
    )
    programmes = _programmes_by_code({row.programme_code for row in rows if row.programme_code})
    first_row_of_receipt: dict[str, int] = {}
    for row in rows:
        if row.receipt_readable and row.receipt_number in existing:
            # Skipped whatever else the row says: it is never written.
            row.outcome = ALREADY_IMPORTED
            _note_differences(row, *existing[row.receipt_number])
            continue
        if row.receipt_readable:
            earlier = first_row_of_receipt.setdefault(row.receipt_number, row.number)
            if earlier != row.number:
                row.errors.append(
                    RowError(
                        receipt_column,
                        _("Row %(row)s of this file has the same receipt number.")
                        % {"row": earlier},
                    )
                )
        if row.errors:
            row.outcome = ERROR
            continue
        code = _customer_code(row.donor_code)
        row.donor = customers.get(code) if code is not None else None
        row.programme = programmes.get(row.programme_code) if row.programme_code else None
        _note_unmatched(row)
        row.outcome = NEW if row.donor and row.programme else UNMATCHED


def _note_differences(
    row: DonationRow, recorded_on: datetime.date, recorded_amount: Decimal
) -> None:
    if (row.received_on and row.received_on != recorded_on) or (
        row.amount and row.amount != recorded_amount
    ):
        row.notes.append(
            _(
                "The recorded donation has %(amount)s SAR on %(date)s; this row's values are "
                "ignored."
            )
            % {"amount": format_amount(recorded_amount), "date": recorded_on.isoformat()}
        )


def _note_unmatched(row: DonationRow) -> None:
    if row.donor is None:
        row.notes.append(
            _("No customer has the donor code %(code)s.") % {"code": row.donor_code}
            if row.donor_code
            else _("The donor code is empty.")
        )
    if row.programme is None:
        row.notes.append(
            _("No programme has the code %(code)s.") % {"code": row.programme_code}
            if row.programme_code
            else _("The programme code is empty.")
        )


# --- the import -------------------------------------------------------------------------


def previous_import(digest: str) -> DonationImport | None:
    return (
        DonationImport.objects.filter(digest=digest)
        .select_related("imported_by")
        .order_by("-imported_at")
        .first()
    )


def read_rows(
    content: bytes,
    filename: str,
    today: datetime.date | None = None,
    progress: Progress = NO_PROGRESS,
) -> tuple[list[DonationRow], dict[str, str], list[str], int | None]:
    """(rows, {column: header text}, ignored headers, the sheet's last row read when empty
    rows ended it) of a finance file, parsed but not yet checked against the database.
    Raises ImportFileError."""
    progress.phase("read", start=0, end=10)
    # The rows may be none: the headers are checked first, then that there are rows.
    sheet = IMPORTER.read(content, filename, require_rows=False)
    table = sheet.table
    if not table.row_count:
        raise ImportFileError(no_rows_message(IMPORTER.limits()))
    parser = _RowParser(sheet.headers, today or timezone.localdate())
    progress.phase("check", start=10, end=60)
    rows = sheet.check_rows(
        parser.parse,
        progress,
        refused_row=lambda number, error: DonationRow(number=number, errors=[error]),
    )
    return rows, sheet.headers, sheet.ignored, table.stopped_after


def import_donations(
    *,
    content: bytes,
    filename: str,
    actor: User,
    dry_run: bool,
    progress: Progress = NO_PROGRESS,
) -> DonationImportResult:
    """Import a finance file. With dry_run, write nothing and say what each row would do;
    without, add the new and unmatched rows in one transaction and record a DonationImport.

    Rows are never added twice: the receipt numbers already recorded are skipped, checked
    again inside the transaction, and the insert itself skips any receipt another import
    added meanwhile (unique receipt number). Rows with errors are left out; once the file
    is corrected it can be imported again and only those rows are added.

    Raises ImportFileError (the file as a whole cannot be read) and PermissionDenied.
    `progress` (core.jobs.Progress) follows the reading, checking and writing."""
    if not actor.has_perm("finance.add_donation"):
        raise PermissionDenied
    rows, headers, ignored, stopped_after = read_rows(content, filename, progress=progress)
    digest = file_digest(content)
    result = DonationImportResult(
        filename=filename,
        digest=digest,
        dry_run=dry_run,
        rows=rows,
        ignored_columns=ignored,
        previous_import=previous_import(digest),
        stopped_after=stopped_after,
    )
    progress.phase("check", start=60, end=80)
    if dry_run:
        _resolve(rows, headers["receipt_number"])
        return result
    with transaction.atomic():
        _resolve(rows, headers["receipt_number"])
        record = DonationImport.objects.create(
            filename=Path(filename or "").name[:255], digest=digest, imported_by=actor
        )
        to_write = [row for row in rows if row.outcome in WRITTEN_OUTCOMES]
        progress.phase("write", start=80, end=100)
        donations = [row.as_donation(record) for row in to_write]
        Donation.objects.bulk_create(
            donations, batch_size=_insert_batch_size(), ignore_conflicts=True
        )
        funding.renew(funding.RECEIVED)  # bulk_create sends no signal
        renew_for_rows(donations)
        written = record.donations.aggregate(
            added=Count("id"), unmatched=Count("id", filter=unmatched_condition())
        )
        if written["added"] < len(to_write):
            _mark_added_meanwhile(record, to_write)
        record.added = written["added"]
        record.unmatched = written["unmatched"]
        record.already_present = sum(1 for row in rows if row.outcome == ALREADY_IMPORTED)
        record.save(update_fields=["added", "unmatched", "already_present"])
    result.record = record
    return result


def _insert_batch_size() -> int:
    """INSERT_BATCH rows, fewer if the model grows: PostgreSQL takes at most 65,535
    parameters in one statement."""
    return min(INSERT_BATCH, 65_000 // len(Donation._meta.concrete_fields))


def _mark_added_meanwhile(record: DonationImport, to_write: list[DonationRow]) -> None:
    """Rows another import added between our check and our insert: already imported."""
    ours = set(record.donations.values_list("receipt_number", flat=True))
    for row in to_write:
        if row.receipt_number not in ours:
            row.outcome = ALREADY_IMPORTED
            row.notes.append(_("Added by another import at the same time."))
