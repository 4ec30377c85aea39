"""Exporting the customer list and importing a spreadsheet of customers as one form."""

import tempfile

from django import forms
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.forms import Form
from core.http import download_name
from core.imports.views import ImportPages, outcome_counts
from core.permissions import require

from . import exports, imports, tasks
from .resources import IMPORT_COLUMNS, column_label
from .views import filtered_customers

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- export -----------------------------------------------------------------------------


def _export_filename(extension):
    return download_name(_("Customers"), when=timezone.now(), extension=extension)


@require_GET
def export_xlsx(request):
    require(request.user, "customers.export_customer")
    queryset = filtered_customers(request).qs
    # A temporary file rather than memory for a long list; FileResponse closes (and so
    # deletes) it once sent.
    file = tempfile.TemporaryFile()  # noqa: SIM115
    exports.write_xlsx(queryset, file)
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=_export_filename("xlsx"),
        content_type=XLSX_CONTENT_TYPE,
    )


@require_GET
def export_csv(request):
    require(request.user, "customers.export_customer")
    queryset = filtered_customers(request).qs
    response = StreamingHttpResponse(
        exports.csv_lines(queryset, language=translation.get_language()),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_export_filename("csv")
    )
    return response


# --- import -----------------------------------------------------------------------------
# The pages are core.imports.views': the dry run and the confirmation run as background jobs
# (customers.tasks); the confirmation makes one import form for the manager's approval.


class ImportConfirmForm(Form):
    job = forms.UUIDField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=gettext_lazy("Reason for the request"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Where the list comes from and why it is imported."),
    )


def _upload_context(request):
    return {
        # [(column header, required)]
        "columns": [
            (column_label(name), name in imports.REQUIRED_COLUMNS) for name in IMPORT_COLUMNS
        ],
        "may_export": request.user.has_perm("customers.export_customer"),
    }


def _preview_context(request, preview):
    return {
        "counts": outcome_counts(preview.counts, imports.OUTCOME_LABELS, imports.OUTCOME_BADGES),
        "to_import": preview.to_import,
    }


IMPORT_PAGES = ImportPages(
    importer=imports.IMPORTER,
    permission="customers.add_customerrequest",
    preview_job=tasks.IMPORT_PREVIEW,
    confirm_job=tasks.IMPORT_CONFIRM,
    upload_url="customers:import",
    upload_template="customers/import_upload.html",
    preview_template="customers/import_preview.html",
    stored_preview=imports.StoredPreview,
    title=gettext_lazy("Import customers"),
    back_url="customers:list",
    back_label=gettext_lazy("Back to the customer list"),
    file_label=gettext_lazy("Spreadsheet file"),
    file_help=gettext_lazy("Excel workbook (.xlsx) or CSV, at most 5 MB."),
    upload_context=_upload_context,
    preview_context=_preview_context,
    confirm_form=ImportConfirmForm,
    confirm_params=lambda form: {"reason": form.cleaned_data["reason"]},
)
import_upload = IMPORT_PAGES.upload
import_preview = IMPORT_PAGES.preview
import_confirm = IMPORT_PAGES.confirm
