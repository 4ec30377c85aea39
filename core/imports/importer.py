"""What every spreadsheet import does the same way, around the part only its app knows.

An app declares an `Importer` (its columns, their labels and the other headers people
write, its limits, the noun of its rows) and writes the code that resolves a row: find the
existing record, check the values, say what would change. The importer reads the file
(core.imports.reader), maps the header row to the columns (core.spreadsheets), hands the
rows over as {column: cell}, and the dry run is kept as JSON by its background job
(`DryRun.as_data` / `StoredDryRun`): every count, the rows to look at and the first others.

Lookups of existing records go per batch (`batches`): one query per QUERY_BATCH keys,
never one per row.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spreadsheets import header_key, in_every_language, map_header_columns

from .reader import MEGABYTE, SheetLimits, Table, cell_text, read_table

if TYPE_CHECKING:
    from core.jobs import Progress

QUERY_BATCH = 1000

T = TypeVar("T")


@dataclass
class RowError:
    column: str  # the column header as written in the file; "" for the row as a whole
    message: str


def batches(values: Iterable[T], size: int = QUERY_BATCH) -> Iterator[list[T]]:
    """The values in lists of at most `size`: one query each (`field__in=batch`)."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def cells_by_column(cells: Sequence[Any], by_index: Mapping[int, str]) -> dict[str, Any]:
    """{column name: cell} of one row, None for a column the row is too short to have."""
    return {name: cells[index] if index < len(cells) else None for index, name in by_index.items()}


@dataclass
class Sheet:
    """A file read and its header mapped: the rows as {column name: cell}."""

    table: Table
    by_index: dict[int, str]  # {column index: column name}
    headers: dict[str, str]  # {column name: header text as written}
    ignored: list[str]  # headers that name no column

    def rows(self) -> list[tuple[int, dict[str, Any]]]:
        """[(row number, {column name: cell})] of the readable rows."""
        return [
            (number, cells_by_column(cells, self.by_index)) for number, cells in self.table.rows
        ]

    def check_rows(
        self,
        check_row: Callable[[int, dict[str, Any]], T],
        progress: "Progress",
        *,
        refused_row: Callable[[int, RowError], T],
        rows: list[tuple[int, dict[str, Any]]] | None = None,
    ) -> list[T]:
        """Every row in file order: each readable row (`rows`, by default all of them) as
        `check_row(number, cells)` made it, `progress` advancing, and each row the reader
        refused as `refused_row(number, error)`. Rows have a `number`."""
        readable = self.rows() if rows is None else rows
        checked = []
        for done, (number, cells) in enumerate(readable, start=1):
            checked.append(check_row(number, cells))
            progress.advance(done, len(readable))
        checked += [
            refused_row(number, RowError("", message)) for number, message in self.table.bad_rows
        ]
        checked.sort(key=lambda row: row.number)  # type: ignore[attr-defined]  # rows have a number
        return checked


class Importer:
    """One app's spreadsheet import: its columns and limits. Subclass and set the class
    attributes; override `column_label`, `header_aliases` and `missing_columns_message`."""

    rows_noun = gettext_lazy("rows")
    max_bytes = 5 * MEGABYTE
    max_rows = 10_000
    max_shared_strings_bytes = 20 * MEGABYTE
    columns: tuple[str, ...] = ()  # in the order of the spreadsheet
    # A django-import-export resource whose fields are the columns (the export's own
    # column table, read back): its column names are the labels.
    resource_class: type | None = None
    required_columns: tuple[str, ...] = ()
    # A header "A/B" names the column both parts name ("رقم العميل/رمز المانح").
    split_alternatives = False

    @cached_property
    def resource(self) -> Any:
        if self.resource_class is None:
            raise NotImplementedError
        return self.resource_class()

    def column_label(self, name: str) -> Any:
        """The column's header: its resource field's column name, unless overridden."""
        if self.resource_class is None:
            raise NotImplementedError
        return self.resource.fields[name].column_name

    def header_aliases(self) -> Mapping[str, Iterable[str]]:
        """{column name: other headers people write}, beyond the name and its label."""
        return {}

    def missing_columns_message(self) -> str:
        """The refusal of a file without a required column, translated, with a %(columns)s
        placeholder: it says where the headers come from (the export, the template)."""
        raise NotImplementedError

    def header_key(self, text: object) -> str:
        """How a header is compared with the aliases (core.spreadsheets.header_key)."""
        return header_key(text)

    def cell_text(self, value: object) -> str:
        return cell_text(value)

    # --- reading -------------------------------------------------------------------------

    def limits(self) -> SheetLimits:
        return SheetLimits(
            rows_noun=self.rows_noun,
            max_bytes=self.max_bytes,
            max_rows=self.max_rows,
            max_shared_strings_bytes=self.max_shared_strings_bytes,
        )

    def too_large_message(self) -> str:
        return _("The file is larger than %(size)s MB. Split it into smaller files.") % {
            "size": self.max_bytes // MEGABYTE
        }

    def column_aliases(self) -> dict[str, str]:
        """Folded header text → column name: the name, its label in every language and the
        other headers people write."""
        aliases: dict[str, str] = {}
        extra = self.header_aliases()
        for name in self.columns:
            texts = {name, *in_every_language(self.column_label(name)), *extra.get(name, ())}
            for text in texts:
                aliases[self.header_key(text)] = name
        return aliases

    def map_columns(
        self, header: Iterable[object]
    ) -> tuple[dict[int, str], dict[str, str], list[str]]:
        """({column index: name}, {name: header text}, [ignored headers])."""
        return map_header_columns(
            header,
            aliases=self.column_aliases(),
            required=self.required_columns,
            label=self.column_label,
            missing_message=self.missing_columns_message(),
            cell_text=self.cell_text,
            key=self.header_key,
            split_alternatives=self.split_alternatives,
        )

    def read_table(self, content: bytes, filename: str, *, require_rows: bool = True) -> Table:
        """The file's header and rows within the limits. Raises ImportFileError."""
        return read_table(content, filename, self.limits(), require_rows=require_rows)

    def read(self, content: bytes, filename: str, *, require_rows: bool = True) -> Sheet:
        """The file read and its header mapped. Raises ImportFileError."""
        table = self.read_table(content, filename, require_rows=require_rows)
        return Sheet(table, *self.map_columns(table.header))


# --- the dry run, kept by its background job ----------------------------------------------


class DryRun:
    """The outcome of every row (`rows`, each with `outcome`), counted and kept as JSON.

    Subclasses set `outcome_labels` ({outcome: label}, in the order of the counts) and
    `problem_outcomes`, and give `row_data(row)` and `extra_data()`."""

    outcome_labels: dict[str, Any] = {}
    problem_outcomes: tuple[str, ...] = ()
    # The preview lists the rows to look at up to the first limit, the others up to the
    # second; every row is counted above the table.
    problem_rows_shown = 1000
    other_rows_shown = 1000
    rows: list[Any]  # each with an `outcome`

    @property
    def counts(self) -> dict[str, int]:
        totals = dict.fromkeys(self.outcome_labels, 0)
        for row in self.rows:
            totals[row.outcome] += 1
        return totals

    def shown_rows(self) -> list[Any]:
        shown, problems, others = [], 0, 0
        for row in self.rows:
            if row.outcome in self.problem_outcomes:
                if problems >= self.problem_rows_shown:
                    continue
                problems += 1
            elif others < self.other_rows_shown:
                others += 1
            else:
                continue
            shown.append(row)
        return shown

    def row_data(self, row: Any) -> dict[str, Any]:
        return row.as_data()

    def extra_data(self) -> dict[str, Any]:
        return {}

    def as_data(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "total_rows": len(self.rows),
            "rows": [self.row_data(row) for row in self.shown_rows()],
            **self.extra_data(),
        }


class StoredDryRun:
    """A dry run as its job kept it (DryRun.as_data), for the preview page. The keys of
    the data become attributes; subclasses rebuild the rows (`make_rows`)."""

    total_rows: int
    rows: list[Any]

    def __init__(self, data: dict[str, Any]) -> None:
        for name, value in data.items():
            if name != "rows":
                setattr(self, name, value)
        self.rows = self.make_rows(data["rows"])
        self.hidden_rows = self.total_rows - len(self.rows)

    def make_rows(self, rows: list[Any]) -> list[Any]:
        raise NotImplementedError
