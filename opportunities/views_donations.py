"""Donations from the finance system (manual 6.1.7): the import in two steps. The list, the
donations waiting to be matched and the matching are the finance app's pages.

The pages are core.imports.views': the dry run and the confirmation run as background jobs
(opportunities.tasks); confirming adds the new and unmatched receipts."""

from django.utils.translation import gettext_lazy

from core.imports.views import ImportPages, outcome_counts
from finance.models import DonationImport

from . import donations, tasks


def _upload_context(request):
    return {
        "columns": [
            (donations.column_label(name), donations.COLUMN_ALIASES[name][0])
            for name in donations.COLUMNS
        ],
        "max_megabytes": donations.MAX_UPLOAD_MEGABYTES,
        "recent_imports": DonationImport.objects.select_related("imported_by")[:5],
    }


def _preview_context(request, result):
    counts = result.counts
    return {
        "result": result,
        "counts": outcome_counts(counts, donations.OUTCOME_LABELS, donations.OUTCOME_BADGES),
        "to_write": counts[donations.NEW] + counts[donations.UNMATCHED],
        "unmatched": counts[donations.UNMATCHED],
    }


IMPORT_PAGES = ImportPages(
    importer=donations.IMPORTER,
    permission="finance.add_donation",
    preview_job=tasks.DONATION_IMPORT_PREVIEW,
    confirm_job=tasks.DONATION_IMPORT_CONFIRM,
    upload_url="opportunities:donation_import",
    upload_template="opportunities/donation_import.html",
    preview_template="opportunities/donation_import_preview.html",
    stored_preview=donations.StoredDryRun,
    title=gettext_lazy("Import donations from the finance system"),
    back_url="finance:donation_list",
    back_label=gettext_lazy("Back to the donations"),
    icon="bi-cash-coin",
    file_label=gettext_lazy("File exported by the finance system"),
    file_help=gettext_lazy("Excel workbook (.xlsx) or CSV."),
    upload_context=_upload_context,
    preview_context=_preview_context,
)
donation_import = IMPORT_PAGES.upload
donation_import_preview = IMPORT_PAGES.preview
donation_import_confirm = IMPORT_PAGES.confirm
