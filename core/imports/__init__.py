"""The spreadsheet import framework shared by every import (customers, programmes portfolio,
finance donations; campaigns, surveys and support requests next).

- reader.py: one reader (XLSX and CSV, UTF-8 and Windows-1256, limits, zip-bomb guard);
- importer.py: the `Importer` an app declares (columns, labels, header aliases, limits),
  reading and header mapping, `RowError`, `batches` for per-batch look-ups, and the dry
  run kept by its job (`DryRun`, `StoredDryRun`);
- checks.py: checking a row as a form would, without a form per row (`field_check`);
- uploads.py: the upload kept between the dry run and its confirmation, claimed once;
- jobs.py: the dry run and confirmation job kinds of an import (`import_job_kinds`);
- views.py: the upload, preview and confirm pages (`ImportPages`), with the templates
  core/import_upload.html and core/import_preview.html.

An app keeps only its column table (its Importer subclass) and the code that resolves a
row; the header mapping and the formula escape are core.spreadsheets'."""

from core.spreadsheets import (
    FORMULA_ESCAPE,
    FORMULA_PREFIXES,
    ImportFileError,
    escape_formula,
    unescape_formula,
)

from .reader import (
    ALLOWED_EXTENSIONS,
    Formula,
    SheetLimits,
    Table,
    cell_text,
    check_upload,
    formula_message,
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
    "cell_text",
    "UploadMissing",
    "check_upload",
    "claim_upload",
    "claimed_upload",
    "discard_upload",
    "escape_formula",
    "file_digest",
    "formula_message",
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
    "unescape_formula",
    "wrong_type_message",
]
