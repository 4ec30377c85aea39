"""Reading the header row of an imported spreadsheet, shared by every import (customers,
programmes portfolio, finance donations)."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from .text import normalize_arabic, normalize_digits


class ImportFileError(Exception):
    """The file as a whole cannot be imported. The message is translated, for the user."""


def header_key(text):
    """How headers and names are compared: Arabic spelling variants, digits, case, spacing
    and underscores folded."""
    return normalize_arabic(normalize_digits(str(text or ""))).replace("_", " ").strip(" *:")


def in_every_language(lazy_text):
    """A translatable label in each of the site's languages (headers may be in either)."""
    texts = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            texts.add(str(lazy_text))
    return texts


def map_header_columns(header, *, aliases, required, label, missing_message, cell_text):
    """({column index: field name}, {field name: header text}, [ignored headers]).

    `aliases` maps folded header text to field names; `missing_message` has a %(columns)s
    placeholder for the required columns not found."""
    by_index, headers, ignored = {}, {}, []
    for index, cell in enumerate(header):
        text = cell_text(cell).strip()
        if not text:
            continue
        name = aliases.get(header_key(text))
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
