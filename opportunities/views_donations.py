"""Donations from the finance system (manual 6.1.7): the import in two steps. The list, the
donations waiting to be matched and the matching are the finance app's pages."""

from pathlib import Path

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import imports as upload_store
from core import jobs
from core.forms import Form
from core.models import JobState
from core.permissions import require
from finance.models import DonationImport

from . import donations, tasks

PAGE_SIZE = 25


def _querystring_without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- import -----------------------------------------------------------------------------


class DonationUploadForm(Form):
    file = forms.FileField(
        label=gettext_lazy("File exported by the finance system"),
        help_text=gettext_lazy("Excel workbook (.xlsx) or CSV."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(donations.ALLOWED_EXTENSIONS)}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > donations.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(donations.too_large_message())
        if Path(upload.name).suffix.lower() not in donations.ALLOWED_EXTENSIONS:
            raise forms.ValidationError(donations.wrong_type_message())
        return upload


@require_http_methods(["GET", "POST"])
def donation_import(request):
    """The dry run runs as a background job (opportunities.tasks): its progress page leads
    to the preview, or back here with the file's error under the field."""
    require(request.user, "finance.add_donation")
    if request.method == "POST":
        form = DonationUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            job, _started = jobs.start_job(
                kind=tasks.DONATION_IMPORT_PREVIEW,
                owner=request.user,
                params={
                    "token": upload_store.store_upload(content),
                    "filename": upload.name,
                    "digest": upload_store.file_digest(content),
                },
            )
            return redirect("core:job_detail", pk=job.pk)
    else:
        form = DonationUploadForm()
        job = jobs.own_job(
            request.user, request.GET.get("job", ""), kind=tasks.DONATION_IMPORT_PREVIEW
        )
        if job is not None and job.state == JobState.FAILED:
            form.full_clean()  # An unbound form: no data, no errors, until this one.
            form.cleaned_data = {}
            form.add_error("file", job.error)
    return render(
        request,
        "opportunities/donation_import.html",
        {
            "form": form,
            "columns": [
                (donations.column_label(name), donations.COLUMN_ALIASES[name][0])
                for name in donations.COLUMNS
            ],
            "max_rows": donations.MAX_ROWS,
            "max_megabytes": donations.MAX_UPLOAD_MEGABYTES,
            "recent_imports": DonationImport.objects.select_related("imported_by")[:5],
        },
    )


@require_GET
def donation_import_preview(request, pk):
    require(request.user, "finance.add_donation")
    job = jobs.own_job(request.user, pk, kind=tasks.DONATION_IMPORT_PREVIEW)
    if job is None:
        raise Http404
    if job.state != JobState.DONE:
        return redirect("core:job_detail", pk=job.pk)
    return _render_preview(request, donations.StoredDryRun(job.result["data"]), job)


@require_POST
def donation_import_confirm(request):
    require(request.user, "finance.add_donation")
    preview_job = jobs.own_job(
        request.user, request.POST.get("job", ""), kind=tasks.DONATION_IMPORT_PREVIEW
    )
    if preview_job is None or preview_job.state != JobState.DONE:
        return _upload_expired(request)
    token = preview_job.params["token"]
    running = jobs.latest_job(request.user, kind=tasks.DONATION_IMPORT_CONFIRM, key=token)
    if running is not None and running.is_active:
        # A second click while the first confirmation is at work: its progress.
        return redirect("core:job_detail", pk=running.pk)
    try:
        # Taking the file first means a double click imports the upload once.
        upload_store.claim_upload(token)
    except upload_store.UploadMissing:
        return _upload_expired(request)
    job, _started = jobs.start_job(
        kind=tasks.DONATION_IMPORT_CONFIRM,
        owner=request.user,
        key=token,
        params={**preview_job.params, "preview_job": str(preview_job.pk)},
    )
    return redirect("core:job_detail", pk=job.pk)


def _upload_expired(request):
    messages.error(
        request, _("This upload was already confirmed or has expired. Upload the file again.")
    )
    return redirect("opportunities:donation_import")


def _render_preview(request, result, job):
    counts = result.counts
    return render(
        request,
        "opportunities/donation_import_preview.html",
        {
            "result": result,
            "rows": result.rows,
            "hidden_rows": result.hidden_rows,
            "counts": [
                (outcome, donations.OUTCOME_LABELS[outcome], donations.OUTCOME_BADGES[outcome], n)
                for outcome, n in counts.items()
            ],
            "to_write": counts[donations.NEW] + counts[donations.UNMATCHED],
            "unmatched": counts[donations.UNMATCHED],
            "job": job,
        },
    )
