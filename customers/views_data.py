"""Exporting the customer list and importing a spreadsheet of customers as one form."""

import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import jobs
from core.forms import Form
from core.models import JobState
from core.permissions import require

from . import exports, imports, tasks
from .resources import IMPORT_COLUMNS, column_label
from .views import filtered_customers

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- export -----------------------------------------------------------------------------


def _export_filename(extension):
    return f"customers-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


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
# The dry run and the confirmation run as background jobs (customers.tasks): the upload page
# stores the file and goes to the job's progress page, which leads to the preview; the
# confirmation claims the upload (a second one finds it taken) and leads to the new form.


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
    job = forms.UUIDField(widget=forms.HiddenInput)
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
    require(request.user, "customers.add_customerrequest")
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            job, _started = jobs.start_job(
                kind=tasks.IMPORT_PREVIEW,
                owner=request.user,
                params={
                    "token": imports.store_upload(content),
                    "filename": upload.name,
                    "digest": imports.file_digest(content),
                },
            )
            return redirect("core:job_detail", pk=job.pk)
    else:
        form = ImportUploadForm()
        _show_failed_dry_run(request, form, tasks.IMPORT_PREVIEW)
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


def _show_failed_dry_run(request, form, kind):
    """After a dry run that refused the file, its reason under the file field."""
    job = jobs.own_job(request.user, request.GET.get("job", ""), kind=kind)
    if job is not None and job.state == JobState.FAILED:
        form.full_clean()  # An unbound form: no data, no errors, until this one.
        form.cleaned_data = {}
        form.add_error("file", job.error)


def _preview_job_or_404(request, pk):
    job = jobs.own_job(request.user, pk, kind=tasks.IMPORT_PREVIEW)
    if job is None:
        raise Http404
    return job


@require_GET
def import_preview(request, pk):
    """The dry run's outcome, row by row, kept by its job."""
    require(request.user, "customers.add_customerrequest")
    job = _preview_job_or_404(request, pk)
    if job.state != JobState.DONE:
        return redirect("core:job_detail", pk=job.pk)
    preview = imports.StoredPreview(job.result["data"])
    return _render_preview(request, preview, ImportConfirmForm(initial={"job": job.pk}))


@require_POST
def import_confirm(request):
    require(request.user, "customers.add_customerrequest")
    form = ImportConfirmForm(request.POST)
    preview_job = jobs.own_job(request.user, request.POST.get("job", ""), kind=tasks.IMPORT_PREVIEW)
    if preview_job is None or preview_job.state != JobState.DONE:
        return _upload_expired(request)
    token = preview_job.params["token"]
    running = jobs.latest_job(request.user, kind=tasks.IMPORT_CONFIRM, key=token)
    if running is not None and running.is_active:
        # A second click while the first confirmation is at work: its progress.
        return redirect("core:job_detail", pk=running.pk)
    if not form.is_valid():
        # The same dry run again, with the missing reason marked.
        return _render_preview(request, imports.StoredPreview(preview_job.result["data"]), form)
    try:
        # Taking the file first means a double click confirms the upload once.
        imports.claim_upload(token)
    except imports.UploadMissing:
        return _upload_expired(request)
    job, _started = jobs.start_job(
        kind=tasks.IMPORT_CONFIRM,
        owner=request.user,
        key=token,
        params={
            **preview_job.params,
            "reason": form.cleaned_data["reason"],
            "preview_job": str(preview_job.pk),
        },
    )
    return redirect("core:job_detail", pk=job.pk)


def _upload_expired(request):
    messages.error(
        request,
        _("This upload was already confirmed or has expired. Upload the file again."),
    )
    return redirect("customers:import")


def _render_preview(request, preview, confirm_form):
    counts = preview.counts
    return render(
        request,
        "customers/import_preview.html",
        {
            "preview": preview,
            "rows": preview.rows,
            "hidden_rows": preview.hidden_rows,
            "counts": [
                (imports.OUTCOME_LABELS[outcome], imports.OUTCOME_BADGES[outcome], count)
                for outcome, count in counts.items()
            ],
            "to_import": preview.to_import,
            "confirm_form": confirm_form,
        },
    )
