"""Importing a spreadsheet of customers as one batch form (manual 6.2).

An import never writes to the customer database. A dry run reads the file and decides, row
by row, whether it is a new customer, a modification of an existing one, unchanged, or an
error. Confirming turns the new and modified rows into ONE import form, which then goes
through the manager's approval and the steward's entry like any other form.

Pure functions and classes (no HttpRequest): customers.views_data calls them.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from association.models import Centre, City
from core.consent import field_name, no_consents
from core.dates import DateParseError, parse_saudi_date
from core.identity import normalize_national_id
from core.imports import (  # noqa: F401  (the upload store, used by the views)
    ALLOWED_EXTENSIONS,
    FORMULA_ESCAPE,
    FORMULA_PREFIXES,
    Formula,
    ImportFileError,
    SheetLimits,
    UploadMissing,
    cell_text,
    claim_upload,
    claimed_upload,
    discard_upload,
    file_digest,
    finish_claim,
    formula_message,
    purge_stale_uploads,
    read_claimed_upload,
    read_upload,
    release_claim,
    store_upload,
    unescape_formula,
)
from core.imports.checks import field_check
from core.imports.importer import DryRun, Importer, RowError, StoredDryRun, batches
from core.imports.uploads import _upload_directory  # noqa: F401  (for the tests)
from core.jobs import NO_PROGRESS, Progress
from core.phones import normalize_saudi_mobile
from core.spreadsheets import header_key as _key
from core.spreadsheets import in_every_language as _in_every_language
from core.text import normalize_arabic, normalize_digits

from . import presentation, services
from .consents import consent_grids
from .forms import CustomerDataForm, customer_value_errors
from .models import Customer, CustomerKind, CustomerRequest, EntityType, RequestKind, RequestState
from .resources import (
    BOOLEAN_COLUMNS,
    CONSENT_BOX_OF_COLUMN,
    IMPORT_COLUMNS,
    CustomerResource,
    column_label,
)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A 10,000-row dry run (or confirmation, which reads the file again) takes about 10 seconds,
# in a background job; bigger lists are split.
MAX_ROWS = 10_000
# Other names people give the customer types and kinds of entity, compared folded (see
# _choice_key): the manual's own plural forms (6.1.2), the short forms, English.
CHOICE_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "kind": {
        CustomerKind.DONOR: (
            "مانح",
            "داعم",
            "مانح داعم",
            "متبرع",
            "مانحين",
            "داعمين",
            "مانحين / داعمين",
            "متبرعين",
            "donor",
            "supporter",
            "donor supporter",
        ),
        CustomerKind.GOVERNMENT: (
            "حكومي",
            "حكومية",
            "جهة حكومية",
            "جهات حكومية",
            "government",
            "government entity",
        ),
        CustomerKind.COUNCIL_MEMBER: (
            "عضو مجلس حي",
            "عضو مجلس الحي",
            "عضو مجلس",
            "أعضاء مجالس أحياء",
            "أعضاء مجالس الأحياء",
            "council member",
            "neighbourhood council member",
            "neighborhood council member",
        ),
        CustomerKind.BENEFICIARY: ("مستفيد", "مستفيدة", "مستفيدين", "beneficiary"),
        CustomerKind.OTHER: ("أخرى", "آخر", "مختلف", "other"),
    },
    "entity_type": {
        EntityType.INDIVIDUAL: ("فرد", "شخص", "individual", "person"),
        EntityType.ORGANISATION: (
            "منظمة",
            "جهة",
            "مؤسسة",
            "شركة",
            "organisation",
            "organization",
        ),
    },
}
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


# --- results ----------------------------------------------------------------------------


@dataclass
class ImportRow:
    number: int  # as in the spreadsheet: the header is row 1
    name: str = ""
    outcome: str = ERROR
    customer: Customer | None = None
    proposed: dict[str, Any] | None = None
    changes: list[tuple[Any, ...]] = field(default_factory=list)  # [(label, current, proposed)]
    # [(label, value)] a new customer will have
    values: list[tuple[Any, ...]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[Any] = field(default_factory=list)  # [str]
    # Fills `changes` or `values` as text for a person: done only for the rows shown.
    describe: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    @property
    def outcome_label(self) -> Any:
        return OUTCOME_LABELS[self.outcome]

    @property
    def badge(self) -> str:
        return OUTCOME_BADGES[self.outcome]

    def as_data(self) -> dict[str, Any]:
        """The row as the preview page shows it, JSON (kept by the dry run's job)."""
        if self.describe is not None:
            self.describe()
            self.describe = None
        return {
            "number": self.number,
            "name": self.name,
            "outcome": self.outcome,
            "customer": {"pk": self.customer.pk, "code": self.customer.code}
            if self.customer
            else None,
            "changes": [[str(label), *values] for label, *values in self.changes],
            "values": [[str(label), *values] for label, *values in self.values],
            "errors": [[error.column, error.message] for error in self.errors],
            "warnings": [str(warning) for warning in self.warnings],
            "proposed": self.proposed,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any], customers: Mapping[Any, Customer]) -> "ImportRow":
        customer = data["customer"]
        return cls(
            number=data["number"],
            name=data["name"],
            outcome=data["outcome"],
            customer=customers.get(customer["pk"]) if customer else None,
            proposed=data["proposed"],
            changes=[tuple(change) for change in data["changes"]],
            values=[tuple(value) for value in data["values"]],
            errors=[RowError(*error) for error in data["errors"]],
            warnings=data["warnings"],
        )


@dataclass
class ImportPreview(DryRun):
    digest: str
    filename: str
    rows: list[ImportRow]
    columns: list[str]  # headers recognised, in file order
    ignored_columns: list[str]  # headers that name no customer column
    previous_import: CustomerRequest | None = None
    stopped_after: int | None = None  # the sheet's last row read (empty rows follow it)

    outcome_labels = OUTCOME_LABELS
    problem_outcomes = (ERROR,)

    def lines(self) -> list[tuple[Customer | None, dict[str, Any], int | None]]:
        """The lines of the import form: (customer or None, proposed values, row number)."""
        return [
            (row.customer, _proposed(row), row.number)
            for row in self.rows
            if row.outcome in (CREATE, MODIFY)
        ]

    @property
    def can_confirm(self) -> bool:
        return self.previous_import is None and any(
            row.outcome in (CREATE, MODIFY) for row in self.rows
        )

    def extra_data(self) -> dict[str, Any]:
        return {
            "digest": self.digest,
            "filename": self.filename,
            "columns": self.columns,
            "ignored_columns": self.ignored_columns,
            "previous_import": self.previous_import.pk if self.previous_import else None,
            "stopped_after": self.stopped_after,
            "can_confirm": self.can_confirm,
        }


class StoredPreview(StoredDryRun):
    """A dry run kept by its background job, for the preview page and the confirmation."""

    counts: dict[str, int]  # kept by the dry run (DryRun.as_data)

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.previous_import = (
            CustomerRequest.objects.filter(pk=data["previous_import"]).first()
            if data["previous_import"]
            else None
        )

    def make_rows(self, rows: list[Any]) -> list[Any]:
        customers = Customer.objects.in_bulk(
            {row["customer"]["pk"] for row in rows if row["customer"]}
        )
        return [ImportRow.from_data(row, customers) for row in rows]

    @property
    def to_import(self) -> int:
        return self.counts[CREATE] + self.counts[MODIFY]


# --- the columns and the reading of the file ---------------------------------------------


def _text(value: object) -> str:
    """A cell as text (core.imports.cell_text), the escape of a value this system exported
    undone. A formula cell keeps its escape: it is text, never live again."""
    text = cell_text(value)
    if isinstance(value, Formula):
        return text
    return unescape_formula(text)


class CustomerImporter(Importer):
    """The columns of the exported customer list (customers.resources), read back."""

    rows_noun = gettext_lazy("customer rows")
    resource_class = CustomerResource
    columns = IMPORT_COLUMNS
    required_columns = REQUIRED_COLUMNS

    max_bytes = MAX_UPLOAD_BYTES

    @property
    def max_rows(self) -> int:  # type: ignore[override]  # a property over the class's int
        # The module's constant stays the knob (a test lowers it).
        return MAX_ROWS

    def cell_text(self, value: object) -> str:
        return _text(value)

    def missing_columns_message(self) -> str:
        return _(
            "The first row of the file must hold the column headers, as in the exported "
            "customer list. Missing columns: %(columns)s."
        )


IMPORTER = CustomerImporter()


# --- lookups, fetched once per file -----------------------------------------------------


class _Lookups:
    """Cities, centres, users and choice labels by name, read once for the whole file."""

    def __init__(self) -> None:
        self.city_by_key: dict[str, City] = {}
        cities = list(City.objects.all())
        for city in cities:
            for text in (city.name, city.name_en):
                if text:
                    self.city_by_key.setdefault(_key(text), city)
        self.centres_by_key: defaultdict[str, list[Centre]] = defaultdict(list)
        centres = list(Centre.objects.select_related("city"))
        for centre in centres:
            for text in {centre.name, centre.name_en} - {""}:
                self.centres_by_key[_key(text)].append(centre)
        self.objects: dict[str, dict[Any, Any]] = {
            "city": {city.pk: city for city in cities},
            "centre": {centre.pk: centre for centre in centres},
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
    def _choice_map(name: str) -> dict[str, str]:
        mapping: dict[str, str] = {}
        # django-stubs: get_field may give a relation's other side; these are choice fields.
        for value, label in Customer._meta.get_field(name).flatchoices:  # type: ignore[union-attr]
            texts = {
                value,
                *_in_every_language(label),
                *CHOICE_ALIASES.get(name, {}).get(value, ()),
            }
            for text in texts:
                mapping[_choice_key(text)] = value
        return mapping


def _kept_escape(text: str, current: object, customer: Customer | None) -> Any:
    """A value stored escaped (a formula imported as its text, "'=…") comes back from an
    export with its escape undone: it is the same value, kept as stored."""
    if (
        customer is not None
        and isinstance(current, str)
        and text.startswith(FORMULA_PREFIXES)
        and current == FORMULA_ESCAPE + text
    ):
        return current
    return text


def _choice_key(text: object) -> str:
    """Choices compared folded, a slash spaced the same whatever the spelling: "مانح/داعم"
    is "مانح / داعم"."""
    return " ".join(_key(text).replace("/", " / ").split())


class _CustomerIndex:
    """Existing customers by code, national ID and mobile: one query per 1,000 keys."""

    def __init__(
        self, codes: Iterable[int], national_ids: Iterable[str], mobiles: Iterable[str]
    ) -> None:
        self._customers: dict[int, Customer] = {}
        self.by_code: dict[int, Customer] = {}
        self.by_national_id: defaultdict[str, list[Customer]] = defaultdict(list)
        self.by_mobile: defaultdict[str, list[Customer]] = defaultdict(list)
        for code_chunk in batches(codes):
            for customer in self._fetch(code__in=code_chunk):
                self.by_code[customer.code] = customer
        for chunk in batches(national_ids):
            for customer in self._fetch(national_id__in=chunk):
                self.by_national_id[customer.national_id].append(customer)
        for chunk in batches(mobiles):
            for customer in self._fetch(mobile__in=chunk):
                self.by_mobile[customer.mobile].append(customer)
        # Their current consents, to compare with the file's (one query per 1,000).
        self.consents: dict[int, dict[str, bool]] = {}
        for pk_chunk in batches(list(self._customers)):
            self.consents.update(consent_grids(pk_chunk))

    def _fetch(self, **lookup: Any) -> Iterator[Customer]:
        # One Python object per customer, however many keys found it.
        for customer in Customer.objects.filter(**lookup).order_by("pk"):
            yield self._customers.setdefault(customer.pk, customer)


# --- one row ----------------------------------------------------------------------------


# --- checking a row: the customer form's rules, without a form per row -------------------


def _mobile_memo() -> Callable[[str], str]:
    """{text: E.164 mobile or the ValidationError}: a mobile is parsed once per import,
    for the match and for the check alike."""
    memo: dict[str, str | ValidationError] = {}

    def normalize(text: str) -> str:
        if text not in memo:
            try:
                memo[text] = normalize_saudi_mobile(text)
            except ValidationError as error:
                memo[text] = error
        found = memo[text]
        if isinstance(found, ValidationError):
            raise found
        return found

    return normalize


_FORM_FIELDS = CustomerDataForm.base_fields
# The column named by a message about a consent box.
_COLUMN_OF_CONSENT_BOX = {box: column for column, box in CONSENT_BOX_OF_COLUMN.items()}
_NATIONAL_ID_FIELD = Customer._meta.get_field("national_id")


def _field_checks() -> dict[str, Callable[[Any], Any]]:
    """{field name: check equal to its form field's clean}; the city and centre come as
    objects the import already looked up."""
    return {
        name: (lambda value: value or None)
        if name in services.FOREIGN_KEY_FIELDS
        else field_check(form_field)
        for name, form_field in _FORM_FIELDS.items()
    }


class RowChecker:
    """Checks one row's values as CustomerDataForm would (the same fields, the same clean
    methods, the same rules between fields, the model's own validators) with the same
    messages, at a fraction of the cost: a valid value takes a fast path, an invalid one
    goes through the form field for its message. Related objects come already looked up
    (the import found them by name); the city and centre cost no query."""

    def __init__(self, normalize_mobile: Callable[[str], str] = normalize_saudi_mobile) -> None:
        self.checkers = _field_checks()
        self.normalize_mobile = normalize_mobile
        self.today = timezone.localdate()
        # CustomerDataForm.clean_<name>, after the field's own cleaning.
        self.clean_methods = {
            name: getattr(self, f"_clean_{name}")
            for name in ("mobile", "phone", "national_id", "consent_date", "email")
        }

    def check(
        self, data: Mapping[str, Any], consents_before: Mapping[str, bool] | None = None
    ) -> tuple[dict[str, Any], dict[str, list[Any]]]:
        """(cleaned values, {field name or "__all__": [messages]}), as form.cleaned_data
        and form.errors would be; `consents_before` the customer's current consents."""
        cleaned: dict[str, Any] = {}
        errors: dict[str, list[Any]] = {}
        clean_methods = self.clean_methods
        for name, checker in self.checkers.items():
            try:
                value = checker(data.get(name))
                if name in clean_methods:
                    value = clean_methods[name](value)
                cleaned[name] = value
            except ValidationError as error:
                errors.setdefault(name, []).extend(error.messages)
        for name, message in customer_value_errors(cleaned, consents_before=consents_before):
            key = NON_FIELD_ERRORS if name is None else name
            errors.setdefault(key, []).append(str(message))
            cleaned.pop(name, None)
        self._model_validation(cleaned, errors)
        return cleaned, errors

    def _clean_mobile(self, value: str | None) -> str:
        return self.normalize_mobile(value) if value else ""

    def _clean_consent_date(self, value: datetime.date | None) -> datetime.date | None:
        if value and value > self.today:
            raise ValidationError(_("The consent date cannot be in the future."))
        return value

    @staticmethod
    def _clean_phone(value: str | None) -> str:
        return normalize_digits(value or "").strip()

    @staticmethod
    def _clean_national_id(value: str | None) -> str:
        return normalize_national_id(value or "")

    @staticmethod
    def _clean_email(value: str | None) -> str:
        return (value or "").strip().lower()

    @staticmethod
    def _model_validation(cleaned: dict[str, Any], errors: dict[str, list[Any]]) -> None:
        """The model's validators the form fields do not run: the national ID's (the
        mobile's is clean_mobile's own; the others repeat the form fields')."""
        national_id = cleaned.get("national_id")
        if national_id and "national_id" not in errors:
            try:
                _NATIONAL_ID_FIELD.run_validators(national_id)
            except ValidationError as error:
                errors["national_id"] = list(error.messages)
                del cleaned["national_id"]


@dataclass
class _MatchKeys:
    code: int | None = None
    code_invalid: bool = False
    national_id: str = ""
    mobile: str = ""


def _match_keys(raw: Mapping[str, Any], normalize_mobile: Callable[[str], str]) -> _MatchKeys:
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
    keys.mobile = _as_mobile(_text(raw.get("mobile")), normalize_mobile)
    return keys


def _as_mobile(text: str, normalize_mobile: Callable[[str], str]) -> str:
    if not text.strip():
        return ""
    try:
        return normalize_mobile(text)
    except ValidationError:
        return ""


class _RowReader:
    """Turns raw rows into ImportRows; remembers what earlier rows of the file claimed."""

    def __init__(
        self,
        headers: dict[str, str],
        lookups: _Lookups,
        index: _CustomerIndex,
        normalize_mobile: Callable[[str], str] = normalize_saudi_mobile,
    ) -> None:
        self.headers = headers
        self.lookups = lookups
        self.index = index
        self.checker = RowChecker(normalize_mobile)
        self.today = timezone.localdate()
        # (type, cell) → date or DateParseError
        self.dates_read: dict[tuple[type, Any], datetime.date | None | DateParseError] = {}
        self.row_of_customer: dict[int, int] = {}  # customer pk → first row number
        self.row_of_new_national_id: dict[str, int] = {}
        self.row_of_new_mobile: dict[str, int] = {}

    def column(self, name: str) -> str:
        name = _COLUMN_OF_CONSENT_BOX.get(name, name)
        if name.startswith("consent_") and name not in IMPORT_COLUMNS:
            return ""  # a consent box no column fills: its message names no column
        return self.headers.get(name) or str(column_label(name))

    def read(self, number: int, raw: dict[str, Any], keys: _MatchKeys) -> ImportRow:
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
        consents_before = self._consents_of(customer)
        cleaned, errors = self.checker.check(
            self._form_data(row, raw, customer), consents_before=consents_before
        )
        if errors:
            # A cell already reported as unreadable is not reported again as missing.
            unreadable = {error.column for error in row.errors}
            for name, messages in errors.items():
                column = "" if name == NON_FIELD_ERRORS else self.column(name)
                if column and column in unreadable:
                    continue
                row.errors.extend(RowError(column, str(message)) for message in messages)
        if row.errors:
            return row
        proposed = services.values_from_cleaned_data(cleaned)
        row.proposed = proposed
        if customer is None:
            self._check_new_customer(row, proposed)
            row.outcome = ERROR if row.errors else CREATE
            if row.outcome == CREATE:
                row.describe = partial(self._describe_new, row, proposed)
            return row
        row.customer = customer
        current = {**services.customer_values(customer), "consents": consents_before}
        changed = services.changed_fields(current, proposed)
        row.outcome = MODIFY if changed else UNCHANGED
        if changed:
            row.describe = partial(self._describe_changes, row, current, proposed, changed)
        return row

    def _describe_changes(
        self,
        row: ImportRow,
        current: dict[str, Any],
        proposed: dict[str, Any],
        changed: list[str],
    ) -> None:
        related = self.lookups.related
        row.changes = [
            (
                presentation.field_label(name),
                presentation.display_text(name, current.get(name), related),
                presentation.display_text(name, proposed[name], related),
                name in presentation.LEFT_TO_RIGHT_FIELDS,
            )
            for name in changed
        ]

    def _describe_new(self, row: ImportRow, proposed: dict[str, Any]) -> None:
        row.values = self._shown_values(proposed)

    def _shown_values(self, proposed: dict[str, Any]) -> list[tuple[Any, ...]]:
        """[(label, value as shown, left to right)] a new customer will have: the filled
        values (a date Gregorian with its Hijri beside it), so a person can check them."""
        return [
            (
                presentation.field_label(name),
                presentation.display_text(name, value, self.lookups.related),
                name in presentation.LEFT_TO_RIGHT_FIELDS,
            )
            for name, value in proposed.items()
            if (value not in (None, "", False) or (name == "is_active" and value is False))
            and not (name == "consents" and not any(value.values()))
        ]

    # matching: by code if given, else by national ID, else by mobile

    def _match(self, row: ImportRow, keys: _MatchKeys) -> Customer | None:
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

    def _ambiguous(self, name: str, customers: list[Customer]) -> RowError:
        return RowError(
            self.column(name),
            _(
                "Several customers have this value (codes %(codes)s). Write the customer code "
                "in the row."
            )
            % {"codes": ", ".join(str(customer.code) for customer in customers)},
        )

    def _check_new_customer(self, row: ImportRow, proposed: dict[str, Any]) -> None:
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

    def _form_data(
        self, row: ImportRow, raw: dict[str, Any], customer: Customer | None
    ) -> dict[str, Any]:
        data = self._defaults(customer)
        # In IMPORT_COLUMNS order: the city is known before the centre is looked up in it.
        for name in IMPORT_COLUMNS:
            if name == "code" or name not in raw:
                continue
            value = raw[name]
            if name in services.FOREIGN_KEY_FIELDS:
                data[name] = self._related(row, name, _text(value).strip(), data, customer)
            elif name in CONSENT_BOX_OF_COLUMN:
                data[CONSENT_BOX_OF_COLUMN[name]] = self._boolean(row, name, value)
            elif name in BOOLEAN_COLUMNS:
                data[name] = self._boolean(row, name, value)
            elif name in CHOICE_COLUMNS:
                text = _text(value).strip()
                data[name] = self.lookups.choices[name].get(_choice_key(text), text)
            elif name in services.DATE_FIELDS:
                data[name] = self._date(row, name, value)
            else:
                data[name] = _kept_escape(_text(value), data.get(name), customer)
        return data

    def _consents_of(self, customer: Customer | None) -> dict[str, bool]:
        if customer is None:
            return no_consents()
        return self.index.consents.get(customer.pk) or no_consents()

    def _defaults(self, customer: Customer | None) -> dict[str, Any]:
        # The consent boxes as they are now (none for a new customer), no date or source.
        consents = {field_name(key): given for key, given in self._consents_of(customer).items()}
        if customer is None:
            data: dict[str, Any] = dict.fromkeys(services.CUSTOMER_FIELDS, "")
            data.update(
                entity_type=EntityType.INDIVIDUAL,
                is_active=True,
                city=None,
                centre=None,
                consent_date=None,
                consent_source="",
                **consents,
            )
            return data
        data = services.customer_values(customer)
        data.update(consent_date=None, consent_source="", **consents)
        for name in services.FOREIGN_KEY_FIELDS:
            data[name] = self.lookups.objects[name].get(data[name])
        return data

    def _date(self, row: ImportRow, name: str, value: object) -> datetime.date | None:
        """A date as Saudi users write it (Hijri, day first, ISO, a date cell). A formula,
        or a date that cannot be read, is an error of the row naming the column."""
        if isinstance(value, Formula):
            row.errors.append(RowError(self.column(name), formula_message(value)))
            return None
        # A list repeats its dates: each text is read once per import.
        key = (type(value), value)
        if key not in self.dates_read:
            try:
                self.dates_read[key] = parse_saudi_date(value, today=self.today)
            except DateParseError as error:
                self.dates_read[key] = error
        found = self.dates_read[key]
        if isinstance(found, DateParseError):
            row.errors.append(RowError(self.column(name), found.message))
            return None
        return found

    def _boolean(self, row: ImportRow, name: str, value: object) -> bool:
        if isinstance(value, bool):
            return value
        text = _key(_text(value))
        if text in ("", *self.lookups.false_words):
            return False
        if text in self.lookups.true_words:
            return True
        row.errors.append(RowError(self.column(name), _("Write yes or no.")))
        return False

    def _related(
        self,
        row: ImportRow,
        name: str,
        text: str,
        data: dict[str, Any],
        customer: Customer | None,
    ) -> City | Centre | None:
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
        return self._centre(row, text, data, current_pk)

    def _centre(
        self, row: ImportRow, text: str, data: dict[str, Any], current_pk: int | None
    ) -> Centre | None:
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


# --- the dry run and the confirmation ---------------------------------------------------


def previous_import(digest: str) -> CustomerRequest | None:
    """An import form made from the same file, unless that form was rejected."""
    return (
        CustomerRequest.objects.filter(kind=RequestKind.IMPORT, source_file_digest=digest)
        .exclude(state=RequestState.REJECTED)
        .order_by("pk")
        .first()
    )


def _refused_row(number: int, error: RowError) -> "ImportRow":
    return ImportRow(number=number, errors=[error])


def preview_import(
    content: bytes, filename: str, progress: Progress = NO_PROGRESS
) -> ImportPreview:
    """The dry run: every row's outcome. Writes nothing. Raises ImportFileError.
    `progress` (core.jobs.Progress) follows the reading and the checking of the rows."""
    progress.phase("read", start=0, end=10)
    sheet = IMPORTER.read(content, filename)
    table, headers, ignored = sheet.table, sheet.headers, sheet.ignored
    raw_rows = sheet.rows()
    normalize_mobile = _mobile_memo()
    keys = [_match_keys(raw, normalize_mobile) for _number, raw in raw_rows]
    index = _CustomerIndex(
        codes={key.code for key in keys if key.code is not None},
        national_ids={key.national_id for key in keys if key.national_id},
        mobiles={key.mobile for key in keys if key.mobile},
    )
    reader = _RowReader(headers, _Lookups(), index, normalize_mobile)
    progress.phase("check", start=10, end=100)
    row_keys = iter(keys)
    rows = sheet.check_rows(
        lambda number, raw: reader.read(number, raw, next(row_keys)),
        progress,
        refused_row=_refused_row,
        rows=raw_rows,
    )
    _flag_same_names(rows)
    digest = file_digest(content)
    return ImportPreview(
        digest=digest,
        filename=filename,
        rows=rows,
        columns=list(headers.values()),
        ignored_columns=ignored,
        previous_import=previous_import(digest),
        stopped_after=table.stopped_after,
    )


def _proposed(row: ImportRow) -> dict[str, Any]:
    """The proposed values of a row going into the form (created or modified): never None."""
    return cast("dict[str, Any]", row.proposed)


def _flag_same_names(rows: list[ImportRow]) -> None:
    """Rows of the file going into the form with the same name (Arabic-normalised:
    alef, ya, hamza, tatweel, tashkeel) and another mobile: possibly one person twice."""
    by_name: defaultdict[str, list[ImportRow]] = defaultdict(list)
    for row in rows:
        if row.outcome in (CREATE, MODIFY):
            name = normalize_arabic(_proposed(row).get("name"))
            if name:
                by_name[name].append(row)
    for group in by_name.values():
        if len(group) < 2:
            continue
        for row in group:
            mobile = _proposed(row).get("mobile")
            # Ten are named: the others are not looked for (a common name fills a group).
            others = list(
                islice(
                    (
                        str(other.number)
                        for other in group
                        if other is not row and _proposed(other).get("mobile") != mobile
                    ),
                    10,
                )
            )
            if others:
                row.warnings.append(
                    _(
                        "Row %(rows)s of this file has the same name with another mobile: "
                        "possibly the same person. The manager will see it."
                    )
                    % {"rows": ", ".join(others)}
                )


def confirm_import(*, actor: User, preview: ImportPreview, reason: str) -> CustomerRequest:
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
