"""One reader for every spreadsheet import (customers, the programmes portfolio, the finance
system's donations): XLSX and CSV as people really send them.

- XLSX is read straight from its XML with the standard library's streaming parser, never
  loading the sheet. Reading stops after a run of empty rows (sheets formatted down to row
  1,048,576), refuses more rows than the limit as soon as it meets them, refuses a workbook
  whose shared strings (all its text) unpack to more than a cap, and stops unpacking
  anything past a total (zip bombs). A formula cell is read as its formula text, escaped
  as the exports escape it, never as its cached value.
- CSV is UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1256 (Excel on Arabic
  Windows), detected per file. A line that is not in the file's encoding (a file mixing
  UTF-8 and Windows-1256 lines), or that holds U+FFFD, makes its row an error: nothing
  garbled is ever imported.

Row numbers are those of the spreadsheet (the header is row 1), blank rows are skipped.
"""

import codecs
import csv
import datetime
import io
import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spreadsheets import ImportFileError, escape_formula

ALLOWED_EXTENSIONS = (".xlsx", ".csv")
MEGABYTE = 1024 * 1024
REPLACEMENT_CHARACTER = "\ufffd"

# (row number, cells, why the row cannot be read or None) as a reader yields them.
RawRow = tuple[int, list[Any], str | None]


class Formula(str):
    """A formula cell, as text: "'=HYPERLINK(...)", the formula escaped so that it is never
    live again. `formula` is the formula as written, `cached` the value Excel last showed."""

    formula: str
    cached: object

    def __new__(cls, formula: str, cached: object = None) -> "Formula":
        text = super().__new__(cls, escape_formula(formula))
        text.formula = formula
        text.cached = cached
        return text


def cell_text(value: object) -> str:
    """A cell as text: whole numbers without ".0", dates in ISO form, a formula as its
    escaped text."""
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
    return str(value)


def formula_message(cell: Formula) -> str:
    """The error of a cell that must hold a value (a date, an amount) but holds a formula."""
    return _("The cell holds a formula (%(formula)s): write the value itself.") % {
        "formula": cell.formula
    }


@dataclass(frozen=True)
class SheetLimits:
    """What one import accepts. `rows_noun` names its rows in messages ("customer rows")."""

    rows_noun: object = gettext_lazy("rows")
    max_bytes: int = 5 * MEGABYTE
    max_rows: int = 10_000
    # Everything unpacked from an XLSX while reading it (zip bombs).
    max_unpacked_bytes: int = 100 * MEGABYTE
    # The workbook's shared strings: all its text, held in memory while the sheet is read.
    max_shared_strings_bytes: int = 20 * MEGABYTE
    # A run of this many empty rows ends the sheet.
    empty_rows_end_sheet: int = 50
    # Cells further right are not read.
    max_columns: int = 500

    @property
    def max_megabytes(self) -> int:
        return self.max_bytes // MEGABYTE


@dataclass
class Table:
    header: list
    rows: list  # [(row number, cells)]
    bad_rows: list = field(default_factory=list)  # [(row number, message)] not readable
    source: str = ""  # "xlsx", "utf-8", "utf-16" or "windows-1256"
    # Reading stopped after this row: the run of empty rows below it ends the sheet.
    stopped_after: int | None = None

    @property
    def row_count(self) -> int:
        return len(self.rows) + len(self.bad_rows)


# --- messages -------------------------------------------------------------------------------


def too_large_message(limits: SheetLimits) -> str:
    return _("The file is larger than %(size)s MB. Split it into smaller files.") % {
        "size": limits.max_megabytes
    }


def wrong_type_message() -> str:
    return _("Upload an Excel workbook (.xlsx) or a CSV file (.csv).")


def _too_many_rows(limits: SheetLimits) -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(count)s %(rows)s. Split it into smaller files.")
        % {"count": f"{limits.max_rows:,}", "rows": limits.rows_noun}
    )


def no_rows_message(limits: SheetLimits) -> str:
    return _("The file has column headers but no %(rows)s.") % {"rows": limits.rows_noun}


def _not_xlsx() -> ImportFileError:
    return ImportFileError(
        _(
            "This file is not a readable Excel workbook (.xlsx). Open it in Excel and save it "
            "again as .xlsx or as CSV."
        )
    )


def _unpacks_too_large(limits: SheetLimits) -> ImportFileError:
    return ImportFileError(
        _(
            "The workbook unpacks to more than %(limit)s MB. Copy the rows to import into a "
            "new workbook, or save the sheet as CSV."
        )
        % {"limit": limits.max_unpacked_bytes // MEGABYTE}
    )


# --- the table ------------------------------------------------------------------------------


def check_upload(content: bytes, filename: str | None, limits: SheetLimits) -> None:
    """The checks that need no reading: size and kind. Raises ImportFileError."""
    if not content:
        raise ImportFileError(_("The file is empty."))
    if len(content) > limits.max_bytes:
        raise ImportFileError(too_large_message(limits))
    if Path(filename or "").suffix.lower() not in ALLOWED_EXTENSIONS:
        raise ImportFileError(wrong_type_message())


def read_table(
    content: bytes, filename: str, limits: SheetLimits, *, require_rows: bool = True
) -> Table:
    """The first sheet of an XLSX, or a CSV: its header row and its rows, within `limits`.

    Raises ImportFileError when the file as a whole cannot be imported; rows that cannot be
    read are in `bad_rows` with the reason."""
    check_upload(content, filename, limits)
    rows: Iterable[RawRow]
    if Path(filename).suffix.lower() == ".xlsx":
        rows, source = _xlsx_rows(content, limits), "xlsx"
    else:
        rows, source = _csv_rows(content)
    table = _collect(rows, limits)
    table.source = source
    if require_rows and not table.row_count:
        raise ImportFileError(no_rows_message(limits))
    return table


def is_blank(cell: object) -> bool:
    if isinstance(cell, Formula):
        return is_blank(cell.cached)
    if cell is None:
        return True
    return isinstance(cell, str) and not cell.strip()


def _collect(rows: Iterable[RawRow], limits: SheetLimits) -> Table:
    """Header and body from (row number, cells, problem) triples, stopping after a run of
    empty rows and as soon as there are more rows than the limit."""
    header: list[Any] | None = None
    body: list[tuple[int, list[Any]]] = []
    bad_rows: list[tuple[int, str]] = []
    last_filled = 0  # the last row with something in it
    run = limits.empty_rows_end_sheet
    stopped_after = None
    for number, cells, problem in rows:
        blank = problem is None and all(is_blank(cell) for cell in cells)
        # `run` empty rows, this one among them or all before it, end the sheet.
        if number - last_filled > (run - 1 if blank else run):
            stopped_after = last_filled
            break
        if blank:
            continue
        last_filled = number
        if header is None:
            if problem is not None:
                raise ImportFileError(
                    _("The column headers in the first row cannot be read: %(reason)s")
                    % {"reason": problem}
                )
            header = cells
            continue
        if len(body) + len(bad_rows) >= limits.max_rows:
            raise _too_many_rows(limits)
        if problem is None:
            body.append((number, cells[: limits.max_columns]))
        else:
            bad_rows.append((number, problem))
    if header is None:
        raise ImportFileError(_("The file is empty."))
    return Table(header=header, rows=body, bad_rows=bad_rows, stopped_after=stopped_after)


# --- CSV --------------------------------------------------------------------------------------

_UTF8, _CP1256, _UTF16 = "utf-8", "windows-1256", "utf-16"
_ENCODING_NAMES = {_UTF8: "UTF-8", _CP1256: "Windows-1256", _UTF16: "UTF-16"}


def _csv_rows(content: bytes) -> tuple[Iterator[RawRow], str]:
    """((row number, cells, problem) for each CSV record, the encoding)."""
    encoding, lines, bad_lines = _decode_lines(content)
    if any("\x00" in line for line in lines):
        raise ImportFileError(
            _("This file is not a CSV spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file.")
        )
    first_line = lines[0] if lines else ""
    delimiter = max((",", ";", "\t"), key=first_line.count)
    return _csv_records(lines, bad_lines, delimiter), encoding


def _csv_records(lines: list[str], bad_lines: dict[int, str], delimiter: str) -> Iterator[RawRow]:
    reader = csv.reader(iter(lines), delimiter=delimiter)
    consumed = 0
    number = 0
    try:
        for cells in reader:
            number += 1
            spanned = range(consumed, reader.line_num)
            consumed = reader.line_num
            problems = [bad_lines[index] for index in spanned if index in bad_lines]
            if not problems and any(REPLACEMENT_CHARACTER in cell for cell in cells):
                problems = [_replacement_character_message()]
            yield number, cells, (problems[0] if problems else None)
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file cannot be read (%(error)s). Save it again from Excel.")
            % {"error": error}
        ) from error


def _decode_lines(content: bytes) -> tuple[str, list[str], dict[int, str]]:
    """(encoding, [text lines with their ends], {line index: why it cannot be read}).

    One encoding per file: UTF-16 or UTF-8 when the file starts with their BOM; otherwise
    UTF-8 if most lines with non-ASCII letters are UTF-8, else Windows-1256. Lines that are
    not in the file's encoding are decoded with replacement characters (so the CSV
    structure holds) and reported; their rows are never imported."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ImportFileError(
                _(
                    "The file says it is UTF-16 text but cannot be read as such. Save it again "
                    "from Excel as “CSV UTF-8”."
                )
            ) from error
        # Only line breaks end a line: a field may hold U+2028 or a form feed.
        lines = io.StringIO(text, newline="").readlines()
        return _UTF16, lines, _lines_with_replacement(lines)
    if content.startswith(codecs.BOM_UTF8):
        content = content[len(codecs.BOM_UTF8) :]
        forced = _UTF8
    else:
        forced = None
    raw_lines = content.splitlines(keepends=True)
    kinds = [_line_kind(line) for line in raw_lines]
    encoding = forced or _file_encoding(kinds)
    lines = []
    bad_lines: dict[int, str] = {}
    for index, (line, kind) in enumerate(zip(raw_lines, kinds, strict=True)):
        if encoding == _UTF8 and kind == "other":
            bad_lines[index] = _not_in_encoding_message(encoding)
        elif encoding == _CP1256 and kind == "utf8":
            bad_lines[index] = _mixed_encoding_message(encoding, _UTF8)
        lines.append(line.decode(encoding, errors="replace"))
    for index in _lines_with_replacement(lines):
        bad_lines.setdefault(index, _replacement_character_message())
    return encoding, lines, bad_lines


def _file_encoding(kinds: list[str]) -> str:
    """UTF-8 unless most lines with non-ASCII letters are not UTF-8 (a tie goes to the
    first such line's encoding): then Windows-1256."""
    if "other" not in kinds:
        return _UTF8
    utf8, other = kinds.count("utf8"), kinds.count("other")
    first = next(kind for kind in kinds if kind != "ascii")
    if utf8 > other or (utf8 == other and first == "utf8"):
        return _UTF8
    return _CP1256


def _line_kind(line: bytes) -> str:
    if line.isascii():
        return "ascii"
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return "other"
    return "utf8"


def _lines_with_replacement(lines: list[str]) -> dict[int, str]:
    return {
        index: _replacement_character_message()
        for index, line in enumerate(lines)
        if REPLACEMENT_CHARACTER in line
    }


def _not_in_encoding_message(encoding: str) -> str:
    return _(
        "This row is not written in the file's encoding (%(encoding)s) and cannot be read; "
        "it is left out. Save the file again as “CSV UTF-8” and import it again."
    ) % {"encoding": _ENCODING_NAMES[encoding]}


def _mixed_encoding_message(encoding: str, other: str) -> str:
    return _(
        "This row is written in another encoding (%(other)s) than the rest of the file "
        "(%(encoding)s) and would be read as garbled letters; it is left out. Save the file "
        "again as “CSV UTF-8” and import it again."
    ) % {"encoding": _ENCODING_NAMES[encoding], "other": _ENCODING_NAMES[other]}


def _replacement_character_message() -> str:
    return _(
        "This row holds the character “%(character)s”: its text was damaged before the file "
        "was saved. Correct the row and import it again."
    ) % {"character": REPLACEMENT_CHARACTER}


# --- XLSX -------------------------------------------------------------------------------------

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAX_MEMBERS = 10_000
# Workbook parts other than the sheet and its text, read whole: a few kilobytes normally.
_MAX_PART_BYTES = 10 * MEGABYTE
# Text between two tags: a cell holds at most 32,767 characters (up to 4 bytes each).
_MAX_TEXT_RUN = 256 * 1024
_RELATIONSHIP_TYPES = ("officeDocument", "worksheet", "sharedStrings", "styles")
# Excel's built-in number formats that show a date.
_BUILTIN_DATE_FORMATS = frozenset({*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)})
_CELL_REFERENCE = re.compile(r"^([A-Z]{1,3})(\d+)$")


class _Budget:
    """Bytes unpacked so far, all parts together; refuses past the limit (zip bombs)."""

    def __init__(self, limits: SheetLimits) -> None:
        self.limits = limits
        self.left = limits.max_unpacked_bytes

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise _unpacks_too_large(self.limits)


class _CountedStream:
    """A zip member read through the budget, for the streaming XML parser. A run of text
    longer than any cell can hold (Excel: 32,767 characters) is refused before the parser
    gathers it in memory."""

    def __init__(self, member: IO[bytes], budget: _Budget) -> None:
        self.member = member
        self.budget = budget
        self.text_run = 0  # bytes since the last "<"

    def read(self, size: int | None = -1) -> bytes:
        data = self.member.read(size if size and size > 0 else 64 * 1024)
        self.budget.spend(len(data))
        last_tag = data.rfind(b"<")
        if last_tag < 0:
            self.text_run += len(data)
        else:
            if self.text_run + data.find(b"<") > _MAX_TEXT_RUN:
                raise _not_xlsx()
            self.text_run = len(data) - last_tag - 1
        if self.text_run > _MAX_TEXT_RUN:
            raise _not_xlsx()
        return data


def _xlsx_rows(content: bytes, limits: SheetLimits) -> Iterator[RawRow]:
    """(row number, cells, None) of the first sheet; cells are str, int, float, bool,
    datetime, Formula or None. Raises ImportFileError."""
    if content.startswith(_OLE_SIGNATURE):
        raise ImportFileError(
            _(
                "This file is an old Excel workbook (.xls) or is protected by a password. Open "
                "it in Excel and save it again as .xlsx, without a password, or as CSV."
            )
        )
    if not content.startswith(b"PK\x03\x04"):
        raise _not_xlsx()
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        workbook = _Workbook(archive, limits)
        # The generator must be started here for the parts' errors to be raised here.
        return _guarded(workbook.rows())
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001 - a damaged archive fails in many ways
        raise _not_xlsx() from error


def _guarded(rows: Iterator[RawRow]) -> Iterator[RawRow]:
    try:
        yield from rows
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001 - a damaged sheet fails while it is read
        raise _not_xlsx() from error


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _attribute(element: ElementTree.Element, name: str) -> str | None:
    """An attribute by its local name, whatever its namespace (transitional or strict)."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


class _Workbook:
    def __init__(self, archive: zipfile.ZipFile, limits: SheetLimits) -> None:
        self.archive = archive
        self.limits = limits
        self.budget = _Budget(limits)
        members = archive.infolist()
        if len(members) > _MAX_MEMBERS:
            raise _not_xlsx()
        self.members = {member.filename: member for member in members}
        workbook_path = self._package_target("officeDocument") or "xl/workbook.xml"
        workbook = self._parse(workbook_path)
        relations = self._relations(workbook_path)
        self.sheet_path = self._first_sheet(workbook, relations)
        properties = next((e for e in workbook if _local(e.tag) == "workbookPr"), None)
        self.mac_1904 = properties is not None and properties.get("date1904") in ("1", "true")
        shared_path = self._target_of_type(relations, "sharedStrings", "xl/sharedStrings.xml")
        styles_path = self._target_of_type(relations, "styles", "xl/styles.xml")
        self.shared = self._shared_strings(shared_path) if shared_path else []
        self.date_styles: frozenset[int] = (
            self._date_styles(styles_path) if styles_path else frozenset()
        )

    # the package's parts

    def _member(self, path: str) -> zipfile.ZipInfo:
        member = self.members.get(path)
        if member is None:
            raise KeyError(path)
        return member

    def _parse(self, path: str) -> ElementTree.Element:
        member = self._member(path)
        if member.file_size > _MAX_PART_BYTES:
            raise _unpacks_too_large(self.limits)
        with self.archive.open(member) as file:
            data = file.read(_MAX_PART_BYTES + 1)
        self.budget.spend(len(data))
        return ElementTree.fromstring(data)

    def _relations(self, part_path: str) -> list[tuple[str | None, str, str]]:
        folder, name = posixpath.split(part_path)
        path = posixpath.join(folder, "_rels", f"{name}.rels")
        if path not in self.members:
            return []
        return [
            (element.get("Id"), element.get("Type", ""), self._resolve(folder, element))
            for element in self._parse(path).iter()
            if _local(element.tag) == "Relationship"
        ]

    @staticmethod
    def _resolve(folder: str, relation: ElementTree.Element) -> str:
        target = relation.get("Target", "")
        if target.startswith("/"):
            return posixpath.normpath(target.lstrip("/"))
        return posixpath.normpath(posixpath.join(folder, target))

    def _package_target(self, kind: str) -> str | None:
        if "_rels/.rels" not in self.members:
            return None
        for element in self._parse("_rels/.rels").iter():
            if _local(element.tag) == "Relationship" and element.get("Type", "").endswith(
                f"/{kind}"
            ):
                target = element.get("Target", "")
                return posixpath.normpath(target.lstrip("/"))
        return None

    def _target_of_type(
        self, relations: list[tuple[str | None, str, str]], kind: str, default: str
    ) -> str | None:
        for _id, relation_type, target in relations:
            if relation_type.endswith(f"/{kind}") and target in self.members:
                return target
        return default if default in self.members else None

    def _first_sheet(
        self, workbook: ElementTree.Element, relations: list[tuple[str | None, str, str]]
    ) -> str:
        first = next(element for element in workbook.iter() if _local(element.tag) == "sheet")
        relation_id = _attribute(first, "id")
        path = next(target for rid, _type, target in relations if rid == relation_id)
        self._member(path)
        return path

    def _shared_strings(self, path: str) -> list[str]:
        member = self._member(path)
        limit = self.limits.max_shared_strings_bytes
        if member.file_size > limit:
            raise ImportFileError(
                _(
                    "The workbook holds %(size)s MB of text, more than the %(limit)s MB an "
                    "import reads. Copy the rows to import into a new workbook, or save the "
                    "sheet as CSV."
                )
                % {"size": f"{member.file_size // MEGABYTE:,}", "limit": limit // MEGABYTE}
            )
        strings = []
        with self.archive.open(member) as file:
            for _event, element in ElementTree.iterparse(_CountedStream(file, self.budget)):
                if _local(element.tag) == "si":
                    strings.append(_text_of(element))
                    element.clear()
        return strings

    def _date_styles(self, path: str) -> frozenset[int]:
        """The indexes of the cell styles whose number format shows a date."""
        from openpyxl.styles.numbers import is_date_format

        styles = self._parse(path)
        custom: dict[int, str] = {}
        cell_formats: list[int] = []
        for element in styles:
            if _local(element.tag) == "numFmts":
                for number_format in element:
                    format_id = int(number_format.attrib["numFmtId"])
                    custom[format_id] = number_format.get("formatCode", "")
            elif _local(element.tag) == "cellXfs":
                cell_formats = [int(xf.get("numFmtId", 0)) for xf in element]
        return frozenset(
            index
            for index, format_id in enumerate(cell_formats)
            if format_id in _BUILTIN_DATE_FORMATS
            or (format_id in custom and is_date_format(custom[format_id]))
        )

    # the sheet, streamed

    def rows(self) -> Iterator[RawRow]:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

        reader = _SheetReader(
            self.shared,
            self.date_styles,
            CALENDAR_MAC_1904 if self.mac_1904 else CALENDAR_WINDOWS_1900,
            self.limits.max_columns,
        )
        with self.archive.open(self._member(self.sheet_path)) as file:
            stream = _CountedStream(file, self.budget)
            for _event, element in ElementTree.iterparse(stream):
                if _local(element.tag) == "row":
                    yield reader.row(element)
                    element.clear()


def _text_of(element: ElementTree.Element) -> str:
    """The text of a shared or inline string: its <t>, or its runs' <t>, not phonetic runs."""
    parts = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


class _SheetReader:
    def __init__(
        self,
        shared: list[str],
        date_styles: frozenset[int],
        epoch: datetime.datetime,
        max_columns: int,
    ) -> None:
        self.shared = shared
        self.date_styles = date_styles
        self.epoch = epoch
        self.max_columns = max_columns
        # tag with its namespace -> local name, computed once per tag
        self.local_names: dict[str, str] = {}
        # Excel serial -> datetime: a year of receipts has 365 dates
        self.days: dict[float, datetime.datetime] = {}
        # shared formula index -> (formula, cell reference)
        self.shared_formulas: dict[str, tuple[str, str]] = {}
        self.row_number = 0

    def local(self, tag: str) -> str:
        name = self.local_names.get(tag)
        if name is None:
            name = self.local_names[tag] = _local(tag)
        return name

    def row(self, element: ElementTree.Element) -> RawRow:
        number = element.get("r")
        self.row_number = int(number) if number else self.row_number + 1
        cells: list[Any] = []
        for cell in element:
            if self.local(cell.tag) != "c":
                continue
            reference = cell.get("r")
            match = _CELL_REFERENCE.match(reference) if reference else None
            column = _column_index(match.group(1)) if match else len(cells)
            if column >= self.max_columns:
                continue
            if column > len(cells):
                cells.extend([None] * (column - len(cells)))
            cells.append(self.value(cell, reference))
        return self.row_number, cells, None

    def as_date(self, number: float) -> datetime.datetime:
        from openpyxl.utils.datetime import from_excel

        day = self.days.get(number)
        if day is None:
            day = self.days[number] = from_excel(number, epoch=self.epoch)
        return day

    def value(self, element: ElementTree.Element, reference: str | None) -> Any:
        kind = element.get("t", "n")
        value_text, formula = None, None
        inline = None
        for child in element:
            name = self.local(child.tag)
            if name == "v":
                value_text = child.text
            elif name == "f":
                formula = self.formula(child, reference)
            elif name == "is":
                inline = child
        if kind == "inlineStr":
            value = _text_of(inline) if inline is not None else None
        else:
            value = self.typed(kind, value_text, element)
        if formula is not None:
            return Formula(formula, cached=value)
        return value

    def typed(self, kind: str, text: str | None, element: ElementTree.Element) -> Any:
        if text is None:
            return None
        if kind == "s":
            return self.shared[int(text)]
        if kind in ("str", "e"):
            return text
        if kind == "b":
            return text == "1"
        if kind == "d":
            return datetime.datetime.fromisoformat(text.rstrip("Z"))
        number: float = float(text) if any(mark in text for mark in ".eE") else int(text)
        if int(element.get("s", 0)) in self.date_styles:
            return self.as_date(number)
        return number

    def formula(self, element: ElementTree.Element, reference: str | None) -> str | None:
        """The formula text with its "=", or None. A shared formula is written once, on its
        first cell; the others are translated from it as Excel does."""
        text = element.text
        shared_index = element.get("si") if element.get("t") == "shared" else None
        if text:
            formula = "=" + text
            if shared_index is not None and reference:
                self.shared_formulas[shared_index] = (formula, reference)
            return formula
        if shared_index is not None and shared_index in self.shared_formulas and reference:
            from openpyxl.formula.translate import Translator

            formula, origin = self.shared_formulas[shared_index]
            return Translator(formula, origin=origin).translate_formula(reference)
        return None
