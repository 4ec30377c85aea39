"""Importing the programmes and activities portfolio from the planning department's
spreadsheet (XLSX or CSV), in two steps.

The dry run reads the file and decides, row by row, whether it creates a programme, updates
the programme with the same code, leaves it unchanged, or has an error. Confirming writes
the new and changed programmes at once, in one transaction, through programmes.services.
The portfolio is not customer data, so there is no approval step; importing the same file
again finds every row unchanged and writes nothing.

Reading the file (core.imports: XLSX or CSV, its limits) and keeping the upload between
the two steps are shared with the other imports. The dry run and the confirmation run as
background jobs (programmes.tasks). Pure functions (no HttpRequest): views call them.
"""

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.forms.models import fields_for_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from association.models import Centre
from core.dates import DateParseError, format_gregorian_hijri, parse_saudi_date
from core.forms import Form
from core.imports import (  # noqa: F401  (the upload store, used by the views and tasks)
    ALLOWED_EXTENSIONS,
    Formula,
    ImportFileError,
    SheetLimits,
    UploadMissing,
    cell_text,
    claim_upload,
    discard_upload,
    file_digest,
    finish_claim,
    formula_message,
    read_claimed_upload,
    read_upload,
    release_claim,
    store_upload,
)
from core.imports.importer import DryRun, Importer, RowError, StoredDryRun
from core.jobs import NO_PROGRESS, Progress
from core.numbers import format_riyals
from core.spreadsheets import header_key as _key
from core.spreadsheets import in_every_language as _in_every_language
from core.text import normalize_digits

from . import services
from .forms import clean_programme_values
from .models import Programme, ProgrammeCategory, ProgrammeStatus

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
# The preview lists the rows with errors and, apart, the other rows, each up to this many.
PREVIEW_ROW_LIMIT = 1000
DATE_COLUMNS = ("start_date", "end_date")
# The portfolio's columns, in the order of the spreadsheet template.
COLUMNS = services.PROGRAMME_FIELDS
REQUIRED_COLUMNS = ("code", "name")
# Needed for a new programme; an update keeps the current value of an absent column.
REQUIRED_FOR_NEW = ("name", "category")

# Headers the planning department writes that are not the field labels. Compared folded
# (see _key), so hamza and taa marbuta variants need no entry of their own.
HEADER_ALIASES = {
    "code": ("رمز البرنامج", "رقم البرنامج", "كود البرنامج", "الرمز", "الكود", "code"),
    "name": ("اسم البرنامج", "اسم البرنامج او النشاط", "البرنامج", "النشاط", "الاسم", "name"),
    "category": ("الفئة", "التصنيف", "فئة البرنامج", "تصنيف البرنامج", "المجال"),
    "centres": ("المراكز", "مراكز الاحياء", "مركز الحي", "centers", "centres"),
    "start_date": ("تاريخ البداية", "تاريخ البدء", "start"),
    "end_date": ("تاريخ النهاية", "تاريخ الانتهاء", "end"),
    "budget": ("الميزانية", "الميزانية (ريال)", "الميزانية (ر.س)", "الموازنة", "budget"),
    "description": ("الوصف", "وصف البرنامج", "description"),
    "status": ("الحالة", "حالة البرنامج", "status"),
    "portfolio_year": ("سنة المحفظة", "السنة", "العام", "year"),
}
STATUS_ALIASES: dict[str, tuple[str, ...]] = {
    ProgrammeStatus.PLANNED: ("مخطط", "مخطط له", "مخططه"),
    ProgrammeStatus.ACTIVE: ("قيد التنفيذ", "جاري", "جار", "نشط", "قائم", "active"),
    ProgrammeStatus.COMPLETED: ("مكتمل", "منتهي", "منفذ", "done", "finished"),
    ProgrammeStatus.CANCELLED: ("ملغي", "ملغاه", "ملغى", "canceled"),
}
# An empty cell in these columns keeps the programme's value (a new programme: planned,
# budget 0; its name and category are required). Other empty cells clear the value.
KEPT_WHEN_EMPTY = ("name", "category", "status", "budget")
CENTRE_SEPARATORS = re.compile(r"[،,؛;\n]+")
DESCRIPTION_SHOWN = 80

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
OUTCOME_LABELS = {
    CREATE: gettext_lazy("New programme"),
    UPDATE: gettext_lazy("Update"),
    UNCHANGED: gettext_lazy("Unchanged"),
    ERROR: gettext_lazy("Error"),
}
OUTCOME_BADGES = {CREATE: "success", UPDATE: "primary", UNCHANGED: "secondary", ERROR: "danger"}


def column_label(name: str) -> Any:
    """The label of a portfolio column: the programme field's verbose name."""
    # django-stubs: get_field may give a relation's other side; these are the fields.
    return Programme._meta.get_field(name).verbose_name  # type: ignore[union-attr]


# --- results ----------------------------------------------------------------------------


@dataclass
class ImportRow:
    number: int  # as in the spreadsheet: the header is row 1
    code: str = ""
    name: str = ""
    outcome: str = ERROR
    programme: Programme | None = None
    values: dict[str, Any] | None = None  # for services.programme_create / programme_update
    changes: list[tuple[Any, ...]] = field(default_factory=list)  # [(label, current, new)]
    # [(label, value)] of a new programme
    shown_values: list[tuple[Any, ...]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notes: list[Any] = field(default_factory=list)  # [str], e.g. a category to be added

    @property
    def outcome_label(self) -> Any:
        return OUTCOME_LABELS[self.outcome]

    @property
    def badge(self) -> str:
        return OUTCOME_BADGES[self.outcome]

    def as_data(self) -> dict[str, Any]:
        """The row as the preview page shows it, JSON (kept by the dry run's job)."""
        return {
            "number": self.number,
            "code": self.code,
            "name": self.name,
            "outcome": self.outcome,
            "programme": self.programme.pk if self.programme else None,
            "changes": [[str(label), current, new] for label, current, new in self.changes],
            "values": [[str(label), value] for label, value in self.shown_values],
            "errors": [[error.column, error.message] for error in self.errors],
            "notes": [str(note) for note in self.notes],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any], programmes: Mapping[Any, Programme]) -> "ImportRow":
        return cls(
            number=data["number"],
            code=data["code"],
            name=data["name"],
            outcome=data["outcome"],
            programme=programmes.get(data["programme"]),
            changes=[tuple(change) for change in data["changes"]],
            shown_values=[tuple(value) for value in data["values"]],
            errors=[RowError(*error) for error in data["errors"]],
            notes=data["notes"],
        )


@dataclass
class ImportPreview(DryRun):
    digest: str
    filename: str
    rows: list[ImportRow]
    columns: list[str]  # headers recognised, in file order
    ignored_columns: list[str]  # headers that name no portfolio column
    stopped_after: int | None = None  # the sheet's last row read (empty rows follow it)

    outcome_labels = OUTCOME_LABELS
    problem_outcomes = (ERROR,)
    problem_rows_shown = other_rows_shown = PREVIEW_ROW_LIMIT

    @property
    def can_confirm(self) -> bool:
        return any(row.outcome in (CREATE, UPDATE) for row in self.rows)

    def extra_data(self) -> dict[str, Any]:
        return {
            "digest": self.digest,
            "filename": self.filename,
            "columns": self.columns,
            "ignored_columns": self.ignored_columns,
            "stopped_after": self.stopped_after,
            "can_confirm": self.can_confirm,
        }


class StoredPreview(StoredDryRun):
    """A dry run kept by its background job, for the preview page."""

    counts: dict[str, int]  # kept by the dry run (DryRun.as_data)

    def make_rows(self, rows: list[Any]) -> list[Any]:
        programmes = Programme.objects.in_bulk({row["programme"] for row in rows} - {None})
        return [ImportRow.from_data(row, programmes) for row in rows]

    @property
    def to_write(self) -> int:
        return self.counts[CREATE] + self.counts[UPDATE]


@dataclass
class ImportResult:
    created: int
    updated: int
    unchanged: int
    errors: int


# --- the columns and the reading of the file ---------------------------------------------


def _text(value: object) -> str:
    """A cell as text (core.imports.cell_text)."""
    return cell_text(value)


class PortfolioImporter(Importer):
    """The portfolio's columns: the programme fields, with the headers the planning
    department writes."""

    rows_noun = gettext_lazy("programme rows")
    columns = COLUMNS
    required_columns = REQUIRED_COLUMNS

    max_bytes = MAX_UPLOAD_BYTES
    max_rows = MAX_ROWS

    def column_label(self, name: str) -> Any:
        return column_label(name)

    def header_aliases(self) -> Mapping[str, Iterable[str]]:
        return HEADER_ALIASES

    def missing_columns_message(self) -> str:
        return _(
            "The first row of the file must hold the column headers of the portfolio. "
            "Missing columns: %(columns)s."
        )


IMPORTER = PortfolioImporter()


def map_columns(header: Iterable[object]) -> tuple[dict[int, str], dict[str, str], list[str]]:
    """({column index: field name}, {field name: header text}, [ignored headers])."""
    return IMPORTER.map_columns(header)


# --- lookups, read once per file --------------------------------------------------------


class _Lookups:
    """Programmes by code, categories and centres by name, status words: a few queries for
    the whole file."""

    def __init__(self) -> None:
        programmes = Programme.objects.select_related("category").prefetch_related("centres")
        self.programme_by_code = {programme.code.casefold(): programme for programme in programmes}
        self.centre_ids = {
            programme.pk: {centre.pk for centre in programme.centres.all()}
            for programme in self.programme_by_code.values()
        }
        self.category_by_key: dict[str, ProgrammeCategory] = {}
        for category in ProgrammeCategory.objects.all():
            self.category_by_key.setdefault(_key(category.name), category)
        self.centres_by_key: dict[str, list[Centre]] = {}
        for centre in Centre.objects.select_related("city"):
            for text in self._centre_names(centre):
                found = self.centres_by_key.setdefault(_key(text), [])
                if centre not in found:
                    found.append(centre)
        self.status_by_key: dict[str, str] = {}
        for value, label in ProgrammeStatus.choices:
            for text in {value, *_in_every_language(label), *STATUS_ALIASES.get(value, ())}:
                self.status_by_key[_key(text)] = value

    @staticmethod
    def _centre_names(centre: Centre) -> set[str]:
        names = {centre.name, centre.name_en} - {""}
        cities = {centre.city.name, centre.city.name_en} - {""}
        # "مركز حي الصفا (جدة)" tells apart two centres of one name in different cities.
        return names | {
            f"{name}{joint}{city}{end}"
            for name in names
            for city in cities
            for joint, end in ((" (", ")"), (" - ", ""), (" · ", ""), (" / ", ""))
        }


# --- one row ----------------------------------------------------------------------------


class ImportRowForm(Form):
    """The programme form's fields and rules; the category is a name (added when new) and
    the centres are resolved before the form."""

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        clean_programme_values(self, cleaned)
        return cleaned


_ROW_FORM_FIELDS = ["code", "name", "start_date", "end_date", "budget", "description"]
_ROW_FORM_FIELDS += ["status", "portfolio_year"]
ImportRowForm.base_fields = {
    **fields_for_model(Programme, fields=_ROW_FORM_FIELDS),
    "category": forms.CharField(label=column_label("category"), max_length=150),
}


class _RowReader:
    def __init__(self, headers: dict[str, str], lookups: _Lookups, actor: User | None) -> None:
        self.headers = headers
        self.lookups = lookups
        self.may_add_categories = actor is None or actor.has_perm(
            "programmes.add_programmecategory"
        )
        self.row_of_code: dict[str, int] = {}
        self.row_adding_category: dict[str, int] = {}
        self.today = timezone.localdate()

    def column(self, name: str) -> str:
        return self.headers.get(name) or str(column_label(name))

    def read(self, number: int, raw: dict[str, Any]) -> ImportRow:
        row = ImportRow(number=number)
        row.code = services.normalize_code(_text(raw.get("code")))
        row.name = _text(raw.get("name")).strip()
        programme = self._match(row)
        data, centres = self._form_data(row, raw, programme)
        form = ImportRowForm(data=data)
        if not form.is_valid():
            # A cell already reported as unreadable is not reported again.
            unreadable = {error.column for error in row.errors}
            for name, messages in form.errors.items():
                column = "" if name == NON_FIELD_ERRORS else self.column(name)
                if column and column in unreadable:
                    continue
                row.errors.extend(RowError(column, str(message)) for message in messages)
        if row.errors:
            return row
        values = {name: form.cleaned_data[name] for name in _ROW_FORM_FIELDS}
        values["category"] = self._category(row, form.cleaned_data["category"])
        values["centres"] = centres
        if row.errors:
            return row
        if programme is None:
            row.values = values
            row.outcome = CREATE
            # What the new programme will hold, for a person to check (dates converted).
            row.shown_values = [
                (str(column_label(name)), _display(name, values[name]))
                for name in COLUMNS
                if values.get(name) not in (None, "", [])
            ]
            return row
        row.programme = programme
        changed = services.programme_changes(
            programme, values, current_centre_ids=self.lookups.centre_ids[programme.pk]
        )
        row.values = {name: values[name] for name in changed}
        row.outcome = UPDATE if changed else UNCHANGED
        row.changes = [
            (
                str(column_label(name)),
                _display(name, _current_value(programme, name)),
                _display(name, values[name]),
            )
            for name in changed
        ]
        return row

    def _match(self, row: ImportRow) -> Programme | None:
        if not row.code:
            row.errors.append(RowError(self.column("code"), _("Write the programme code.")))
            return None
        key = row.code.casefold()
        earlier = self.row_of_code.setdefault(key, row.number)
        if earlier != row.number:
            row.errors.append(
                RowError(
                    self.column("code"),
                    _("Row %(row)s of this file has the same programme code.") % {"row": earlier},
                )
            )
            return None
        return self.lookups.programme_by_code.get(key)

    def _form_data(
        self, row: ImportRow, raw: dict[str, Any], programme: Programme | None
    ) -> tuple[dict[str, Any], list[Centre]]:
        """The file's cells, and the programme's current values for absent columns."""
        if programme is None:
            data: dict[str, Any] = {
                "status": ProgrammeStatus.PLANNED,
                "budget": "0",
                "description": "",
            }
            centres: list[Centre] = []
        else:
            data = {name: getattr(programme, name) for name in _ROW_FORM_FIELDS}
            data["category"] = programme.category.name
            centres = list(programme.centres.all())
        for name, value in raw.items():
            if name in KEPT_WHEN_EMPTY and not _text(value).strip():
                continue
            if isinstance(value, Formula) and name in ("budget", "portfolio_year"):
                row.errors.append(RowError(self.column(name), formula_message(value)))
                data[name] = None
            elif name == "centres":
                centres = self._centres(row, _text(value), programme)
            elif name == "status":
                text = _text(value).strip()
                data[name] = self.lookups.status_by_key.get(_key(text), text)
            elif name in DATE_COLUMNS:
                data[name] = self._date(row, name, value)
            else:
                data[name] = _text(value).strip()
        # The code only finds the programme: "edu-7" in the file keeps the stored "EDU-7",
        # which the finance system's donation files also use.
        data["code"] = programme.code if programme is not None else row.code
        return data, centres

    def _date(self, row: ImportRow, name: str, value: object) -> datetime.date | None:
        """A date as Saudi users write it (Hijri, day first, ISO, a date cell); a programme
        may lie in the future. A formula or an unreadable date is an error of the row."""
        if isinstance(value, Formula):
            row.errors.append(RowError(self.column(name), formula_message(value)))
            return None
        try:
            return parse_saudi_date(value, today=self.today, future=True)
        except DateParseError as error:
            row.errors.append(RowError(self.column(name), error.message))
            return None

    def _category(self, row: ImportRow, name: str) -> ProgrammeCategory | str | None:
        """The existing category of that name, or the name of a category to add."""
        name = services.normalize_category_name(name)
        category = self.lookups.category_by_key.get(_key(name))
        if category is not None:
            return category
        if not self.may_add_categories:
            row.errors.append(
                RowError(
                    self.column("category"),
                    _("There is no category “%(name)s”, and you may not add categories.")
                    % {"name": name},
                )
            )
            return None
        # Said once, on the first row that adds it; later rows use the same category.
        if self.row_adding_category.setdefault(_key(name), row.number) == row.number:
            row.notes.append(_("The category “%(name)s” will be added.") % {"name": name})
        return name

    def _centres(self, row: ImportRow, text: str, programme: Programme | None) -> list[Centre]:
        current = self.lookups.centre_ids.get(programme.pk, set()) if programme else set()
        centres: list[Centre] = []
        for name in CENTRE_SEPARATORS.split(normalize_digits(text)):
            name = name.strip()
            if not name:
                continue
            found = self.lookups.centres_by_key.get(_key(name), [])
            if not found:
                message = _("No neighbourhood centre is named “%(name)s”.")
            elif len(found) > 1:
                message = _(
                    "Several neighbourhood centres are named “%(name)s”: write the city in "
                    "brackets after the name, e.g. “%(name)s (%(city)s)”."
                )
            elif not found[0].is_active and found[0].pk not in current:
                message = _("The neighbourhood centre “%(name)s” is closed.")
            else:
                if found[0] not in centres:
                    centres.append(found[0])
                continue
            city = found[0].city if found else ""
            row.errors.append(
                RowError(self.column("centres"), message % {"name": name, "city": city})
            )
        return centres


def _current_value(programme: Programme, name: str) -> Any:
    if name == "centres":
        return list(programme.centres.all())
    if name == "category":
        return programme.category
    return getattr(programme, name)


def _display(name: str, value: Any) -> str:
    """A value as the preview shows it."""
    if value is None or value == "":
        return "—"
    if name == "centres":
        return "، ".join(str(centre) for centre in value) or "—"
    if name == "status":
        return str(ProgrammeStatus(value).label)
    if name == "budget":
        return format_riyals(value)
    if name in DATE_COLUMNS:
        return format_gregorian_hijri(value)
    text = str(value)
    if len(text) > DESCRIPTION_SHOWN:
        return text[: DESCRIPTION_SHOWN - 1] + "…"
    return text


# --- the dry run and the confirmation ---------------------------------------------------


def preview_import(
    content: bytes, filename: str, actor: User | None = None, progress: Progress = NO_PROGRESS
) -> ImportPreview:
    """The dry run: every row's outcome. Writes nothing. Raises ImportFileError.
    `progress` (core.jobs.Progress) follows the reading and the checking of the rows."""
    progress.phase("read", start=0, end=10)
    sheet = IMPORTER.read(content, filename)
    table, headers, ignored = sheet.table, sheet.headers, sheet.ignored
    reader = _RowReader(headers, _Lookups(), actor)
    progress.phase("check", start=10, end=90)
    rows = sheet.check_rows(
        reader.read,
        progress,
        refused_row=lambda number, error: ImportRow(number=number, errors=[error]),
    )
    return ImportPreview(
        digest=file_digest(content),
        filename=filename,
        rows=rows,
        columns=list(headers.values()),
        ignored_columns=ignored,
        stopped_after=table.stopped_after,
    )


def confirm_import(*, actor: User, preview: ImportPreview) -> ImportResult:
    """Write the new and changed programmes of a dry run, all or none. Unchanged rows and
    rows with errors are left out."""
    reason = _("Portfolio import: %(file)s") % {"file": preview.filename}
    counts = preview.counts
    with transaction.atomic():
        for row in preview.rows:
            # A row to write has its values, and a row that updates its programme.
            values = cast("dict[str, Any]", row.values)
            if row.outcome == CREATE:
                services.programme_create(actor=actor, change_reason=reason, **values)
            elif row.outcome == UPDATE:
                programme = cast(Programme, row.programme)
                services.programme_update(
                    programme=programme, actor=actor, change_reason=reason, **values
                )
    return ImportResult(
        created=counts[CREATE],
        updated=counts[UPDATE],
        unchanged=counts[UNCHANGED],
        errors=counts[ERROR],
    )
