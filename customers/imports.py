"""Importing a spreadsheet of customers as one batch form (manual 6.2).

An import never writes to the customer database. A dry run reads the file and decides, row
by row, whether it is a new customer, a modification of an existing one, unchanged, or an
error. Confirming turns the new and modified rows into ONE import form, which then goes
through the manager's approval and the steward's entry like any other form.

Pure functions and classes (no HttpRequest): customers.views_data calls them.
"""

import contextlib
import csv
import datetime
import hashlib
import io
import os
import re
import time
import uuid
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from association.models import Centre, City
from core.identity import normalize_national_id
from core.phones import normalize_saudi_mobile
from core.spreadsheets import ImportFileError, map_header_columns
from core.spreadsheets import header_key as _key
from core.spreadsheets import in_every_language as _in_every_language
from core.text import normalize_digits

from . import presentation, services
from .exports import FORMULA_ESCAPE, FORMULA_PREFIXES
from .forms import CustomerDataForm
from .models import Customer, CustomerRequest, EntityType, RequestKind, RequestState
from .resources import BOOLEAN_COLUMNS, IMPORT_COLUMNS, column_label

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UPLOAD_MEGABYTES = MAX_UPLOAD_BYTES // (1024 * 1024)
# A 10,000-row dry run (or confirmation, which reads the file again) takes about 10 seconds,
# well within gunicorn's 30-second worker timeout; bigger lists are split.
MAX_ROWS = 10_000
# An XLSX is a zip: refuse one that unpacks to far more than any real customer list.
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
ALLOWED_EXTENSIONS = (".xlsx", ".csv")
QUERY_CHUNK = 1000
REQUIRED_COLUMNS = ("name", "kind")
CHOICE_COLUMNS = ("entity_type", "kind", "contact_channel")

CREATE, MODIFY, UNCHANGED, ERROR = "create", "modify", "unchanged", "error"
OUTCOME_LABELS = {
    CREATE: gettext_lazy("New customer"),
    MODIFY: gettext_lazy("Modification"),
    UNCHANGED: gettext_lazy("Unchanged"),
    ERROR: gettext_lazy("Error"),
}
OUTCOME_BADGES = {CREATE: "success", MODIFY: "primary", UNCHANGED: "secondary", ERROR: "danger"}


class UploadMissing(Exception):
    """The stored upload is gone: already confirmed, expired, or never ours."""


# --- results ----------------------------------------------------------------------------


@dataclass
class RowError:
    column: str  # the column header as written in the file; "" for the row as a whole
    message: str


@dataclass
class ImportRow:
    number: int  # as in the spreadsheet: the header is row 1
    name: str = ""
    outcome: str = ERROR
    customer: Customer | None = None
    proposed: dict | None = None
    changes: list = field(default_factory=list)  # [(label, current, proposed)]
    errors: list = field(default_factory=list)  # [RowError]
    warnings: list = field(default_factory=list)  # [str]

    @property
    def outcome_label(self):
        return OUTCOME_LABELS[self.outcome]

    @property
    def badge(self):
        return OUTCOME_BADGES[self.outcome]


@dataclass
class ImportPreview:
    digest: str
    filename: str
    rows: list
    columns: list  # headers recognised, in file order
    ignored_columns: list  # headers that name no customer column
    previous_import: CustomerRequest | None = None

    @property
    def counts(self):
        totals = dict.fromkeys(OUTCOME_LABELS, 0)
        for row in self.rows:
            totals[row.outcome] += 1
        return totals

    def lines(self):
        """The lines of the import form: (customer or None, proposed values, row number)."""
        return [
            (row.customer, row.proposed, row.number)
            for row in self.rows
            if row.outcome in (CREATE, MODIFY)
        ]

    @property
    def can_confirm(self):
        return self.previous_import is None and any(
            row.outcome in (CREATE, MODIFY) for row in self.rows
        )


# --- reading the file -------------------------------------------------------------------


def file_digest(content):
    return hashlib.sha256(content).hexdigest()


def too_large_message():
    return _("The file is larger than %(size)s MB. Split it into smaller files.") % {
        "size": MAX_UPLOAD_MEGABYTES
    }


def read_table(content, filename):
    """(header cells, [(row number, cells)]) of the first sheet of an XLSX or of a CSV.

    Blank rows are skipped; row numbers stay those of the spreadsheet."""
    if not content:
        raise ImportFileError(_("The file is empty."))
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportFileError(too_large_message())
    extension = Path(filename or "").suffix.lower()
    if extension == ".xlsx":
        rows = _xlsx_rows(content)
    elif extension == ".csv":
        rows = _csv_rows(content)
    else:
        raise ImportFileError(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
    header, body = None, []
    for number, cells in rows:
        if all(_text(cell).strip() == "" for cell in cells):
            continue
        if header is None:
            header = cells
            continue
        if len(body) >= MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(rows)s customer rows. Split it into smaller files.")
                % {"rows": f"{MAX_ROWS:,}"}
            )
        body.append((number, cells))
    if header is None:
        raise ImportFileError(_("The file is empty."))
    if not body:
        raise ImportFileError(_("The file has column headers but no customer rows."))
    return header, body


def _not_xlsx():
    return ImportFileError(
        _(
            "This file is not a readable Excel workbook (.xlsx). Open it in Excel and save it "
            "again as .xlsx or as CSV."
        )
    )


def _xlsx_rows(content):
    import openpyxl

    if not content.startswith(b"PK\x03\x04"):
        raise _not_xlsx()
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as error:
        raise _not_xlsx() from error
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise ImportFileError(too_large_message())
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of error on a damaged file
        raise _not_xlsx() from error
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The file is empty."))
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(row)
    except ImportFileError:
        raise
    except Exception as error:  # a damaged sheet fails while it is read, not when opened
        raise _not_xlsx() from error
    finally:
        workbook.close()


def decode_csv(content):
    """CSV text: UTF-8 (with or without BOM) or UTF-16 with BOM (Excel's "Unicode text"),
    else Windows-1256, what Excel on Arabic Windows writes."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1256", errors="replace")


def _csv_rows(content):
    text = decode_csv(content)
    if "\x00" in text:
        raise ImportFileError(
            _("This file is not a CSV spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file.")
        )
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file cannot be read (%(error)s). Save it again from Excel.")
            % {"error": error}
        ) from error


def _text(value):
    """A cell as text: whole numbers without ".0", dates in ISO form, formula escape undone."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_ESCAPE) and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


# --- columns ----------------------------------------------------------------------------


def column_aliases():
    """Header text (folded) → field name: the field name and its label in every language."""
    aliases = {}
    for name in IMPORT_COLUMNS:
        for text in {name, *_in_every_language(column_label(name))}:
            aliases[_key(text)] = name
    aliases[_key("code")] = "code"
    return aliases


def map_columns(header):
    """({column index: field name}, {field name: header text}, [ignored headers])."""
    return map_header_columns(
        header,
        aliases=column_aliases(),
        required=REQUIRED_COLUMNS,
        label=column_label,
        missing_message=_(
            "The first row of the file must hold the column headers, as in the exported "
            "customer list. Missing columns: %(columns)s."
        ),
        cell_text=_text,
    )


# --- lookups, fetched once per file -----------------------------------------------------


def _chunks(values, size=QUERY_CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _Lookups:
    """Cities, centres, users and choice labels by name, read once for the whole file."""

    def __init__(self):
        self.city_by_key = {}
        cities = list(City.objects.all())
        for city in cities:
            for text in (city.name, city.name_en):
                if text:
                    self.city_by_key.setdefault(_key(text), city)
        self.centres_by_key = defaultdict(list)
        centres = list(Centre.objects.select_related("city"))
        for centre in centres:
            for text in {centre.name, centre.name_en} - {""}:
                self.centres_by_key[_key(text)].append(centre)
        users = list(get_user_model().objects.all())
        self.user_by_username = {user.get_username().casefold(): user for user in users}
        self.objects = {
            "city": {city.pk: city for city in cities},
            "centre": {centre.pk: centre for centre in centres},
            "point_of_contact": {user.pk: user for user in users},
        }
        # In the shape customers.presentation expects, to show current and proposed values.
        self.related = {
            (name, pk): obj for name, objects in self.objects.items() for pk, obj in objects.items()
        }
        self.choices = {name: self._choice_map(name) for name in CHOICE_COLUMNS}
        self.true_words = {"1", "true", "yes", "y", "نعم", "x", "✓", "✔"}
        self.false_words = {"0", "false", "no", "n", "لا"}
        self.true_words |= {_key(text) for text in _in_every_language(gettext_lazy("Yes"))}
        self.false_words |= {_key(text) for text in _in_every_language(gettext_lazy("No"))}

    @staticmethod
    def _choice_map(name):
        mapping = {}
        for value, label in Customer._meta.get_field(name).flatchoices:
            mapping[_key(value)] = value
            for text in _in_every_language(label):
                mapping[_key(text)] = value
        return mapping


class _CustomerIndex:
    """Existing customers by code, national ID and mobile: one query per 1,000 keys."""

    def __init__(self, codes, national_ids, mobiles):
        self._customers = {}
        self.by_code = {}
        self.by_national_id = defaultdict(list)
        self.by_mobile = defaultdict(list)
        for chunk in _chunks(codes):
            for customer in self._fetch(code__in=chunk):
                self.by_code[customer.code] = customer
        for chunk in _chunks(national_ids):
            for customer in self._fetch(national_id__in=chunk):
                self.by_national_id[customer.national_id].append(customer)
        for chunk in _chunks(mobiles):
            for customer in self._fetch(mobile__in=chunk):
                self.by_mobile[customer.mobile].append(customer)

    def _fetch(self, **lookup):
        # One Python object per customer, however many keys found it.
        for customer in Customer.objects.filter(**lookup).order_by("pk"):
            yield self._customers.setdefault(customer.pk, customer)


# --- one row ----------------------------------------------------------------------------


class _ResolvedObjectField(forms.Field):
    """Receives the related object the import already looked up by name in its caches, so
    that validating a row costs no query."""

    def to_python(self, value):
        return value or None


class _SharedFields(dict):
    """Form fields shared by every row of an import instead of deep-copied for each: the
    fields below keep no state between rows, and copying them was most of a dry run's time."""

    def __deepcopy__(self, memo):
        return dict(self)


class ImportRowForm(CustomerDataForm):
    """CustomerDataForm (the same fields, clean methods and rules as the paper form) with
    the city, centre and point of contact given as objects the import found by name.

    CustomerDataForm.__init__ is skipped: it only sets the querysets of those three fields
    (replaced here; the import checks that a centre or user is active itself) and widget
    attributes, and building them for each of 10,000 rows was slow."""

    city = _ResolvedObjectField(required=False, label=column_label("city"))
    centre = _ResolvedObjectField(required=False, label=column_label("centre"))
    point_of_contact = _ResolvedObjectField(required=False, label=column_label("point_of_contact"))

    def __init__(self, *args, **kwargs):
        forms.ModelForm.__init__(self, *args, **kwargs)

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        # The related objects come from the caches, so they exist: skip the model's
        # one-query-per-field existence check. clean_mobile has already validated the
        # mobile; the model's validator would parse it a second time.
        exclude.update(services.FOREIGN_KEY_FIELDS)
        exclude.add("mobile")
        return exclude


ImportRowForm.base_fields = _SharedFields(ImportRowForm.base_fields)


@dataclass
class _MatchKeys:
    code: int | None = None
    code_invalid: bool = False
    national_id: str = ""
    mobile: str = ""


def _match_keys(raw):
    keys = _MatchKeys()
    code = normalize_digits(_text(raw.get("code"))).strip()
    if code:
        if code.isdigit():
            keys.code = int(code)
        else:
            keys.code_invalid = True
    national_id = normalize_national_id(_text(raw.get("national_id")))
    if len(national_id) == 10 and national_id.isdigit():
        keys.national_id = national_id
    keys.mobile = _as_mobile(_text(raw.get("mobile")))
    return keys


def _as_mobile(text):
    if not text.strip():
        return ""
    try:
        return normalize_saudi_mobile(text)
    except ValidationError:
        return ""


class _RowReader:
    """Turns raw rows into ImportRows; remembers what earlier rows of the file claimed."""

    def __init__(self, headers, lookups, index):
        self.headers = headers
        self.lookups = lookups
        self.index = index
        self.row_of_customer = {}  # customer pk → first row number
        self.row_of_new_national_id = {}
        self.row_of_new_mobile = {}

    def column(self, name):
        return self.headers.get(name) or str(column_label(name))

    def read(self, number, raw, keys):
        row = ImportRow(number=number, name=_text(raw.get("name")).strip())
        customer = self._match(row, keys)
        if customer is not None:
            earlier = self.row_of_customer.setdefault(customer.pk, number)
            if earlier != number:
                row.errors.append(
                    RowError(
                        "",
                        _("Row %(row)s of this file is already for the customer %(customer)s.")
                        % {"row": earlier, "customer": customer},
                    )
                )
        # Every error of the row is reported at once, so the form is checked even when the
        # row could not be matched.
        form = ImportRowForm(data=self._form_data(row, raw, customer))
        if not form.is_valid():
            for name, messages in form.errors.items():
                column = "" if name == NON_FIELD_ERRORS else self.column(name)
                row.errors.extend(RowError(column, str(message)) for message in messages)
        if row.errors:
            return row
        proposed = services.values_from_cleaned_data(form.cleaned_data)
        row.proposed = proposed
        if customer is None:
            self._check_new_customer(row, proposed)
            row.outcome = ERROR if row.errors else CREATE
            return row
        row.customer = customer
        current = services.customer_values(customer)
        changed = services.changed_fields(current, proposed)
        row.outcome = MODIFY if changed else UNCHANGED
        row.changes = [
            (
                presentation.field_label(name),
                presentation.display_value(name, current.get(name), self.lookups.related),
                presentation.display_value(name, proposed[name], self.lookups.related),
            )
            for name in changed
        ]
        return row

    # matching: by code if given, else by national ID, else by mobile

    def _match(self, row, keys):
        if keys.code_invalid:
            row.errors.append(RowError(self.column("code"), _("A customer code is a number.")))
            return None
        if keys.code is not None:
            customer = self.index.by_code.get(keys.code)
            if customer is None:
                row.errors.append(
                    RowError(
                        self.column("code"),
                        _(
                            "No customer has the code %(code)s. Leave the code empty for a "
                            "new customer."
                        )
                        % {"code": keys.code},
                    )
                )
            return customer
        if keys.national_id:
            found = self.index.by_national_id.get(keys.national_id, [])
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                row.errors.append(self._ambiguous("national_id", found))
                return None
        if keys.mobile:
            found = self.index.by_mobile.get(keys.mobile, [])
            # Someone with another national ID is another person who shares the number.
            same_person = [
                customer
                for customer in found
                if not (keys.national_id and customer.national_id)
                or customer.national_id == keys.national_id
            ]
            if len(same_person) == 1:
                return same_person[0]
            if len(same_person) > 1:
                row.errors.append(self._ambiguous("mobile", same_person))
                return None
            for customer in found:
                row.warnings.append(
                    _(
                        "%(customer)s has the same mobile and another national ID: the manager "
                        "will see it as a possible duplicate."
                    )
                    % {"customer": customer}
                )
        return None

    def _ambiguous(self, name, customers):
        return RowError(
            self.column(name),
            _(
                "Several customers have this value (codes %(codes)s). Write the customer code "
                "in the row."
            )
            % {"codes": ", ".join(str(customer.code) for customer in customers)},
        )

    def _check_new_customer(self, row, proposed):
        """Two new rows of one file for the same person would make two customers."""
        for name, seen in (
            ("national_id", self.row_of_new_national_id),
            ("mobile", self.row_of_new_mobile),
        ):
            value = proposed.get(name)
            if not value:
                continue
            earlier = seen.setdefault(value, row.number)
            if earlier != row.number:
                row.errors.append(
                    RowError(
                        self.column(name),
                        _("Row %(row)s of this file has the same value.") % {"row": earlier},
                    )
                )

    # form data: the file's cells, the customer's current values for absent columns

    def _form_data(self, row, raw, customer):
        data = self._defaults(customer)
        # In IMPORT_COLUMNS order: the city is known before the centre is looked up in it.
        for name in IMPORT_COLUMNS:
            if name == "code" or name not in raw:
                continue
            value = raw[name]
            if name in services.FOREIGN_KEY_FIELDS:
                data[name] = self._related(row, name, _text(value).strip(), data, customer)
            elif name in BOOLEAN_COLUMNS:
                data[name] = self._boolean(row, name, value)
            elif name in CHOICE_COLUMNS:
                text = _text(value).strip()
                data[name] = self.lookups.choices[name].get(_key(text), text)
            elif name in services.DATE_FIELDS:
                data[name] = _date(value)
            else:
                data[name] = _text(value)
        return data

    def _defaults(self, customer):
        if customer is None:
            data = dict.fromkeys(services.CUSTOMER_FIELDS, "")
            data.update(
                entity_type=EntityType.INDIVIDUAL,
                sms_consent=False,
                email_consent=False,
                is_active=True,
                city=None,
                centre=None,
                point_of_contact=None,
                consent_date=None,
            )
            return data
        data = services.customer_values(customer)
        for name in services.FOREIGN_KEY_FIELDS:
            data[name] = self.lookups.objects[name].get(data[name])
        return data

    def _boolean(self, row, name, value):
        if isinstance(value, bool):
            return value
        text = _key(_text(value))
        if text in ("", *self.lookups.false_words):
            return False
        if text in self.lookups.true_words:
            return True
        row.errors.append(RowError(self.column(name), _("Write yes or no.")))
        return False

    def _related(self, row, name, text, data, customer):
        if not text:
            return None
        current_pk = getattr(customer, f"{name}_id", None) if customer else None
        if name == "city":
            city = self.lookups.city_by_key.get(_key(text))
            if city is None:
                row.errors.append(
                    RowError(self.column(name), _("No city is named “%(name)s”.") % {"name": text})
                )
            return city
        if name == "centre":
            return self._centre(row, text, data, current_pk)
        user = self.lookups.user_by_username.get(text.casefold())
        if user is None:
            row.errors.append(
                RowError(
                    self.column(name), _("No user has the username “%(name)s”.") % {"name": text}
                )
            )
            return None
        if not user.is_active and user.pk != current_pk:
            row.errors.append(
                RowError(
                    self.column(name),
                    _("The user “%(name)s” is no longer active.") % {"name": text},
                )
            )
            return None
        return user

    def _centre(self, row, text, data, current_pk):
        candidates = self.lookups.centres_by_key.get(_key(text), [])
        city = data.get("city")
        in_city = [centre for centre in candidates if city and centre.city_id == city.pk]
        # Outside the row's city, the form says so ("not in the chosen city").
        found = in_city or candidates
        if not found:
            row.errors.append(
                RowError(
                    self.column("centre"),
                    _("No neighbourhood centre is named “%(name)s”.") % {"name": text},
                )
            )
            return None
        if len(found) > 1:
            row.errors.append(
                RowError(
                    self.column("centre"),
                    _(
                        "Several neighbourhood centres are named “%(name)s”: fill in the city "
                        "column too."
                    )
                    % {"name": text},
                )
            )
            return None
        centre = found[0]
        if not centre.is_active and centre.pk != current_pk:
            row.errors.append(
                RowError(
                    self.column("centre"),
                    _("The neighbourhood centre “%(name)s” is closed.") % {"name": text},
                )
            )
            return None
        return centre


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%d.%m.%Y")


def _date(value):
    """A date cell: a real date, or text in a usual format; anything else goes to the form,
    which reports it in its own words."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = normalize_digits(_text(value)).strip()
    if not text:
        return None
    for date_format in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    return text


# --- the dry run and the confirmation ---------------------------------------------------


def previous_import(digest):
    """An import form made from the same file, unless that form was rejected."""
    return (
        CustomerRequest.objects.filter(kind=RequestKind.IMPORT, source_file_digest=digest)
        .exclude(state=RequestState.REJECTED)
        .order_by("pk")
        .first()
    )


def _cells_by_column(cells, by_index):
    return {name: cells[index] if index < len(cells) else None for index, name in by_index.items()}


def preview_import(content, filename):
    """The dry run: every row's outcome. Writes nothing. Raises ImportFileError."""
    header, body = read_table(content, filename)
    by_index, headers, ignored = map_columns(header)
    raw_rows = [(number, _cells_by_column(cells, by_index)) for number, cells in body]
    keys = [_match_keys(raw) for _number, raw in raw_rows]
    index = _CustomerIndex(
        codes={key.code for key in keys if key.code is not None},
        national_ids={key.national_id for key in keys if key.national_id},
        mobiles={key.mobile for key in keys if key.mobile},
    )
    reader = _RowReader(headers, _Lookups(), index)
    rows = [
        reader.read(number, raw, row_keys)
        for (number, raw), row_keys in zip(raw_rows, keys, strict=True)
    ]
    digest = file_digest(content)
    return ImportPreview(
        digest=digest,
        filename=filename,
        rows=rows,
        columns=list(headers.values()),
        ignored_columns=ignored,
        previous_import=previous_import(digest),
    )


def confirm_import(*, actor, preview, reason):
    """One import form with the new and modified rows, submitted to the CRM manager.

    Unchanged rows and rows with errors are left out. Refused when nothing is left, or when
    the same file is already in a form that was not rejected."""
    lines = preview.lines()
    if not lines:
        raise services.RequestError(
            _("There is nothing to import: every row is unchanged or has an error.")
        )
    previous = previous_import(preview.digest)
    if previous is not None:
        raise services.RequestError(
            _("This file was already imported as form %(number)s.") % {"number": previous.pk}
        )
    return services.customer_request_create(
        actor=actor,
        kind=RequestKind.IMPORT,
        reason=reason,
        lines=lines,
        source_file_digest=preview.digest,
    )


# --- the uploaded file, kept between the dry run and the confirmation -------------------

UPLOAD_SUBDIRECTORY = "imports"
UPLOAD_MAX_AGE_SECONDS = 24 * 60 * 60
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _upload_directory():
    return Path(settings.MEDIA_ROOT) / UPLOAD_SUBDIRECTORY


def _upload_path(token):
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise UploadMissing
    return _upload_directory() / token


def store_upload(content):
    """Keep the uploaded bytes under MEDIA_ROOT/imports/<token>; return the token."""
    directory = _upload_directory()
    directory.mkdir(parents=True, exist_ok=True)
    purge_stale_uploads()
    token = uuid.uuid4().hex
    descriptor = os.open(directory / token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
    return token


def read_upload(token):
    try:
        return _upload_path(token).read_bytes()
    except FileNotFoundError as error:
        raise UploadMissing from error


@contextlib.contextmanager
def claimed_upload(token):
    """The stored bytes, taken (renamed, atomically) so that a second confirmation of the
    same upload finds nothing. Put back if the block fails; deleted if it succeeds."""
    path = _upload_path(token)
    claimed = path.with_name(f"{token}.claimed")
    try:
        path.rename(claimed)
    except FileNotFoundError as error:
        raise UploadMissing from error
    try:
        yield claimed.read_bytes()
    except BaseException:
        claimed.rename(path)
        raise
    claimed.unlink(missing_ok=True)


def discard_upload(token):
    with contextlib.suppress(UploadMissing):
        _upload_path(token).unlink(missing_ok=True)


def purge_stale_uploads(max_age_seconds=UPLOAD_MAX_AGE_SECONDS):
    """Delete uploads nobody confirmed within a day."""
    directory = _upload_directory()
    if not directory.is_dir():
        return
    oldest = time.time() - max_age_seconds
    for path in directory.iterdir():
        with contextlib.suppress(FileNotFoundError):
            if path.is_file() and path.stat().st_mtime < oldest:
                path.unlink()
