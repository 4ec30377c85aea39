"""One check for every uploaded document that is not a spreadsheet (case attachments, the
signed pledge, the report logo). Spreadsheets go through core.imports.check_upload.

The type is read from the file's first bytes with the `filetype` library, never from the
browser's claim; the name's extension is compared with the content only where the caller
asks (a pledge named .pdf must be a PDF). Every refusal is an UploadError whose message is
translated for the person who uploaded: the callers may give their own wording."""

from pathlib import Path

import filetype
from django.core.files import File
from django.utils.translation import gettext as _

from core.errors import ServiceError
from core.numbers import format_file_size

PDF, JPEG, PNG = "pdf", "jpg", "png"
DOCUMENT_KINDS = (PDF, JPEG, PNG)
# How each kind is named to people, and the extensions its files may be named with.
_KIND_LABELS = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}
_NAME_EXTENSIONS = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",)}
# filetype needs at most this many leading bytes to recognise these formats.
_SIGNATURE_BYTES = 262


class UploadError(ServiceError):
    """An uploaded file refused: its name, its size or its content."""


def kind_of_name(name: str | None) -> str | None:
    """The kind a file name claims by its extension (".jpeg" is JPEG), or None."""
    extension = Path(name or "").suffix.lower()
    return next((kind for kind, names in _NAME_EXTENSIONS.items() if extension in names), None)


def kind_of_content(upload: File) -> filetype.Type | None:
    """What the file's first bytes say it is (filetype's type: .extension, .mime), or None.
    The file is left at its start."""
    upload.seek(0)
    head = upload.read(_SIGNATURE_BYTES)
    upload.seek(0)
    return filetype.guess(head)


def check_uploaded_file(
    upload: File,
    *,
    max_bytes: int,
    allowed: tuple[str, ...] = DOCUMENT_KINDS,
    match_name: bool = False,
    wrong_name: str | None = None,
    too_large: str | None = None,
    wrong_content: str | None = None,
) -> filetype.Type:
    """The file's checked type (.extension, .mime), or UploadError with the reason.

    With `match_name`, the name's extension must be an allowed kind (refused first) and the
    content must be of that same kind. The messages may use %(name)s (the file's name),
    %(limit)s (max_bytes, readable) and %(kinds)s (the allowed kinds)."""
    values = {
        "name": upload.name,
        "limit": format_file_size(max_bytes),
        "kinds": " / ".join(_KIND_LABELS.get(kind, kind.upper()) for kind in allowed),
    }
    named_kind = kind_of_name(upload.name)
    if match_name and named_kind not in allowed:
        raise UploadError((wrong_name or _("%(name)s is not a %(kinds)s file.")) % values)
    if upload.size > max_bytes:
        raise UploadError((too_large or _("%(name)s is larger than %(limit)s.")) % values)
    kind = kind_of_content(upload)
    if (
        kind is None
        or kind.extension not in allowed
        or (match_name and kind.extension != named_kind)
    ):
        raise UploadError((wrong_content or _("%(name)s is not a %(kinds)s file.")) % values)
    return kind
