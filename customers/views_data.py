"""Exporting the customer list and importing a spreadsheet of customers as one form."""

import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import Form

from . import exports, imports, services
from .resources import IMPORT_COLUMNS, column_label
from .views import _require_perm, filtered_customers

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Upload tokens this user may still confirm: {token: {"digest": ..., "filename": ...}}.
SESSION_KEY = "customer_import_uploads"
SESSION_UPLOADS_KEPT = 5
# The preview lists every error row and, beyond that, at most this many rows.
PREVIEW_ROW_LIMIT = 1000


# --- export -----------------------------------------------------------------------------


def _export_filename(extension):
    return f"customers-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


@require_GET
def export_xlsx(request):
    _require_perm(request.user, "customers.export_customer")
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
    _require_perm(request.user, "customers.export_customer")
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


class ImportUploadForm(Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet file"),
        help_text=gettext_lazy("Excel workbook (.xlsx) or CSV, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(imports.ALLOWED_EXTENSIONS)}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(imports.too_large_message())
        if Path(upload.name).suffix.lower() not in imports.ALLOWED_EXTENSIONS:
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
        return upload


class ImportConfirmForm(Form):
    token = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=gettext_lazy("Reason for the request"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Where the list comes from and why it is imported."),
    )


def _column_help():
    """[(column header, required)] for the upload page."""
    return [(column_label(name), name in imports.REQUIRED_COLUMNS) for name in IMPORT_COLUMNS]


@require_http_methods(["GET", "POST"])
def import_upload(request):
    _require_perm(request.user, "customers.add_customerrequest")
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            try:
                preview = imports.preview_import(content, upload.name)
            except imports.ImportFileError as error:
                form.add_error("file", str(error))
            else:
                token = imports.store_upload(content)
                _remember_upload(request, token, preview.digest, upload.name)
                return _render_preview(
                    request, preview, ImportConfirmForm(initial={"token": token})
                )
    else:
        form = ImportUploadForm()
    return render(
        request,
        "customers/import_upload.html",
        {
            "form": form,
            "columns": _column_help(),
            "max_rows": imports.MAX_ROWS,
            "may_export": request.user.has_perm("customers.export_customer"),
        },
    )


@require_POST
def import_confirm(request):
    _require_perm(request.user, "customers.add_customerrequest")
    form = ImportConfirmForm(request.POST)
    token = request.POST.get("token", "")
    pending = request.session.get(SESSION_KEY, {}).get(token)
    if pending is None:
        return _upload_expired(request)
    if not form.is_valid():
        # Show the same dry run again, with the missing reason marked.
        try:
            preview = _preview_of_stored(token, pending)
        except imports.UploadMissing:
            return _upload_expired(request)
        except imports.ImportFileError as error:
            messages.error(request, str(error))
            return redirect("customers:import")
        return _render_preview(request, preview, form)
    try:
        # Taking the file first means a double click confirms the upload once.
        with imports.claimed_upload(token) as content:
            if imports.file_digest(content) != pending["digest"]:
                raise imports.UploadMissing
            preview = imports.preview_import(content, pending["filename"])
            form_request = imports.confirm_import(
                actor=request.user, preview=preview, reason=form.cleaned_data["reason"]
            )
    except imports.UploadMissing:
        return _upload_expired(request)
    except imports.ImportFileError as error:
        messages.error(request, str(error))
        return redirect("customers:import")
    except services.RequestError as error:
        messages.error(request, str(error))
        return _render_preview(request, preview, form)
    _forget_upload(request, token)
    messages.success(
        request,
        _(
            "The import form number %(number)s was submitted to the CRM manager with "
            "%(count)s customers. Nothing changes in the customer database until it is "
            "approved and entered."
        )
        % {"number": form_request.pk, "count": len(preview.lines())},
    )
    return redirect("customers:request_detail", pk=form_request.pk)


def _preview_of_stored(token, pending):
    content = imports.read_upload(token)
    if imports.file_digest(content) != pending["digest"]:
        raise imports.UploadMissing
    return imports.preview_import(content, pending["filename"])


def _upload_expired(request):
    messages.error(
        request,
        _("This upload was already confirmed or has expired. Upload the file again."),
    )
    return redirect("customers:import")


def _remember_upload(request, token, digest, filename):
    uploads = dict(request.session.get(SESSION_KEY, {}))
    uploads[token] = {"digest": digest, "filename": filename}
    for stale in list(uploads)[:-SESSION_UPLOADS_KEPT]:
        imports.discard_upload(stale)
        del uploads[stale]
    request.session[SESSION_KEY] = uploads


def _forget_upload(request, token):
    uploads = dict(request.session.get(SESSION_KEY, {}))
    uploads.pop(token, None)
    request.session[SESSION_KEY] = uploads


def _shown_rows(preview):
    """Every error row, and the other rows up to the limit, in file order."""
    shown, others = [], 0
    for row in preview.rows:
        if row.outcome == imports.ERROR:
            shown.append(row)
        elif others < PREVIEW_ROW_LIMIT:
            shown.append(row)
            others += 1
    return shown


def _render_preview(request, preview, confirm_form):
    rows = _shown_rows(preview)
    counts = preview.counts
    return render(
        request,
        "customers/import_preview.html",
        {
            "preview": preview,
            "rows": rows,
            "hidden_rows": len(preview.rows) - len(rows),
            "counts": [
                (imports.OUTCOME_LABELS[outcome], imports.OUTCOME_BADGES[outcome], count)
                for outcome, count in counts.items()
            ],
            "to_import": counts[imports.CREATE] + counts[imports.MODIFY],
            "confirm_form": confirm_form,
        },
    )
