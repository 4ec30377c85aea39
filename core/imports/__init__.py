"""The shared reading part of the spreadsheet imports (customers, programmes portfolio,
finance donations): one reader (reader.py) and the upload kept between a dry run and its
confirmation (uploads.py). Header mapping is in core.spreadsheets."""

from core.spreadsheets import ImportFileError

from .reader import (
    ALLOWED_EXTENSIONS,
    FORMULA_ESCAPE,
    FORMULA_PREFIXES,
    Formula,
    SheetLimits,
    Table,
    check_upload,
    escape_formula,
    is_blank,
    no_rows_message,
    read_table,
    too_large_message,
    wrong_type_message,
)
from .uploads import (
    UploadMissing,
    claim_upload,
    claimed_upload,
    discard_upload,
    file_digest,
    finish_claim,
    purge_stale_uploads,
    read_claimed_upload,
    read_upload,
    release_claim,
    store_upload,
)

__all__ = [
    "ALLOWED_EXTENSIONS",
    "FORMULA_ESCAPE",
    "FORMULA_PREFIXES",
    "Formula",
    "ImportFileError",
    "SheetLimits",
    "Table",
    "UploadMissing",
    "check_upload",
    "claim_upload",
    "claimed_upload",
    "discard_upload",
    "escape_formula",
    "file_digest",
    "finish_claim",
    "is_blank",
    "no_rows_message",
    "purge_stale_uploads",
    "read_claimed_upload",
    "read_table",
    "read_upload",
    "release_claim",
    "store_upload",
    "too_large_message",
    "wrong_type_message",
]
