"""What every spreadsheet import and export shares: the header row read against the columns
(customers, programmes portfolio, finance donations) and the escape of formula-like text."""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from .text import normalize_arabic, normalize_digits

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection). The CSV
# exports put an apostrophe in front (escape_formula), the XLSX exports store such text as
# quote-prefixed text cells (core.xlsx), and the imports take back what this system wrote
# (unescape_formula) and read a formula cell as escaped text (core.imports.reader).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMULA_ESCAPE = "'"


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def escape_formula(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, behind an apostrophe (for CSV, which
    has no cell styles); anything else as it is."""
    return FORMULA_ESCAPE + value if looks_like_formula(value) else value


def unescape_formula(text: str) -> str:
    """The text escape_formula wrote, as it was: what the exports wrote comes back the
    same when imported."""
    if text.startswith(FORMULA_ESCAPE) and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


class ImportFileError(Exception):
    """The file as a whole cannot be imported. The message is translated, for the user."""


def header_key(text: object) -> str:
    """How headers and names are compared: Arabic spelling variants, digits, case, spacing
    and underscores folded."""
    return normalize_arabic(normalize_digits(str(text or ""))).replace("_", " ").strip(" *:")


def in_every_language(lazy_text: object) -> set[str]:
    """A translatable label in each of the site's languages (headers may be in either)."""
    texts: set[str] = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            texts.add(str(lazy_text))
    return texts


def map_header_columns(
    header: Iterable[object],
    *,
    aliases: Mapping[str, str],
    required: Iterable[str],
    label: Callable[[str], object],
    missing_message: str,
    cell_text: Callable[[object], str],
    key: Callable[[object], str] = header_key,
    split_alternatives: bool = False,
) -> tuple[dict[int, str], dict[str, str], list[str]]:
    """({column index: field name}, {field name: header text}, [ignored headers]).

    `aliases` maps header text folded by `key` to field names; `missing_message` has a
    %(columns)s placeholder for the required columns not found. With `split_alternatives`,
    a header "A/B" that names no column names the one both its parts name."""
    by_index: dict[int, str] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header):
        text = cell_text(cell).strip()
        if not text:
            continue
        name = aliases.get(key(text))
        if name is None and split_alternatives and "/" in text:
            names = {aliases.get(key(part)) for part in text.split("/")} - {None}
            name = names.pop() if len(names) == 1 else None
        if name is None:
            ignored.append(text)
            continue
        if name in headers:
            raise ImportFileError(
                _("The column “%(column)s” appears twice in the first row.") % {"column": text}
            )
        by_index[index] = name
        headers[name] = text
    missing = [str(label(name)) for name in required if name not in headers]
    if missing:
        raise ImportFileError(missing_message % {"columns": ", ".join(missing)})
    return by_index, headers, ignored
