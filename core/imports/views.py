"""The three pages of every spreadsheet import: upload, preview, confirm.

An app describes its import once (`ImportPages`: its importer, the permission, the
background jobs of the dry run and of the confirmation, its upload page's texts and the
preview's template) and routes its URLs to the bound views:

    pages = ImportPages(...)
    path("import/", pages.upload, name="import")

The upload stores the file (core.imports.uploads) and starts the dry run in the
background; its progress page (core.jobs) leads to the preview, or back to the upload page
with the reason the file was refused under the field. Confirming claims the upload first,
so a double click confirms it once, then starts the confirmation job.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import jobs
from core.forms import Form
from core.http import AuthenticatedRequest
from core.models import BackgroundJob, JobState
from core.permissions import require

from .importer import Importer, StoredDryRun
from .reader import ALLOWED_EXTENSIONS, wrong_type_message
from .uploads import UploadMissing, claim_upload, file_digest, store_upload

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


class ImportUploadForm(Form):
    """The file of an import, checked for size and kind before anything is stored."""

    file = forms.FileField(
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)})
    )

    def __init__(
        self,
        *args: Any,
        importer: Importer,
        label: "str | _StrPromise",
        help_text: "str | _StrPromise",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.importer = importer
        self.fields["file"].label = label
        self.fields["file"].help_text = help_text

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > self.importer.max_bytes:
            raise forms.ValidationError(self.importer.too_large_message())
        if Path(upload.name).suffix.lower() not in ALLOWED_EXTENSIONS:
            raise forms.ValidationError(wrong_type_message())
        return upload


def outcome_counts(
    counts: Mapping[str, int], labels: Mapping[str, Any], badges: Mapping[str, str]
) -> list[tuple[str, Any, str, int]]:
    """The preview's summary: (outcome, its label, its badge class, count) per outcome."""
    return [(outcome, labels[outcome], badges[outcome], count) for outcome, count in counts.items()]


def _no_context(request: HttpRequest) -> dict[str, Any]:
    return {}


def _no_params(form: forms.Form) -> dict[str, Any]:
    return {}


@dataclass
class ImportPages:
    importer: Importer
    permission: str
    preview_job: str  # the job kind of the dry run (core.jobs)
    confirm_job: str  # the job kind of the confirmation
    upload_url: str  # the upload page's URL name: where an expired upload goes back to
    upload_template: str
    preview_template: str
    stored_preview: type[StoredDryRun]  # the class of the dry run's data
    # The pages' heading and the way back (core/import_upload.html, import_preview.html).
    title: object = ""
    back_url: str = ""  # URL name
    back_label: object = ""
    icon: str = "bi-file-earmark-arrow-up"
    file_label: "str | _StrPromise" = gettext_lazy("Spreadsheet file")
    file_help: "str | _StrPromise" = ""
    # request → more context for the upload page (its column help, recent imports…)
    upload_context: Callable[[Any], dict[str, Any]] = _no_context
    # (request, stored preview) → the preview page's context
    preview_context: Callable[[Any, Any], dict[str, Any]] | None = None
    # A form the confirmation needs (a reason…), and its values for the confirm job.
    confirm_form: type[forms.Form] | None = None
    confirm_params: Callable[[Any], dict[str, Any]] = _no_params
    _views: dict[str, Callable[..., HttpResponse]] = field(default_factory=dict, repr=False)

    def _require_permission(self, request: AuthenticatedRequest) -> None:
        require(request.user, self.permission)

    def _upload_form(self, *args: Any) -> ImportUploadForm:
        return ImportUploadForm(
            *args, importer=self.importer, label=self.file_label, help_text=self.file_help
        )

    # --- the views ------------------------------------------------------------------------

    @property
    def upload(self) -> Callable[..., HttpResponse]:
        @require_http_methods(["GET", "POST"])
        def upload(request: AuthenticatedRequest) -> HttpResponse:
            self._require_permission(request)
            if request.method == "POST":
                form = self._upload_form(request.POST, request.FILES)
                if form.is_valid():
                    return self._start_dry_run(request, form.cleaned_data["file"])
            else:
                form = self._upload_form()
                self._show_failed_dry_run(request, form)
            context = {"form": form, "max_rows": self.importer.max_rows, "import_pages": self}
            context.update(self.upload_context(request))
            return render(request, self.upload_template, context)

        return self._views.setdefault("upload", upload)

    @property
    def preview(self) -> Callable[..., HttpResponse]:
        @require_GET
        def preview(request: AuthenticatedRequest, pk: object) -> HttpResponse:
            """The dry run's outcome, row by row, kept by its job."""
            self._require_permission(request)
            job = jobs.own_job(request.user, pk, kind=self.preview_job)
            if job is None:
                raise Http404
            if job.state != JobState.DONE:
                return redirect("core:job_detail", pk=job.pk)
            confirm_form = self.confirm_form(initial={"job": job.pk}) if self.confirm_form else None
            return self._render_preview(request, job, confirm_form)

        return self._views.setdefault("preview", preview)

    @property
    def confirm(self) -> Callable[..., HttpResponse]:
        @require_POST
        def confirm(request: AuthenticatedRequest) -> HttpResponse:
            self._require_permission(request)
            preview_job = jobs.own_job(
                request.user, request.POST.get("job", ""), kind=self.preview_job
            )
            if preview_job is None or preview_job.state != JobState.DONE:
                return self._upload_expired(request)
            token = preview_job.params["token"]
            running = jobs.latest_job(request.user, kind=self.confirm_job, key=token)
            if running is not None and running.is_active:
                # A second click while the first confirmation is at work: its progress.
                return redirect("core:job_detail", pk=running.pk)
            form = self.confirm_form(request.POST) if self.confirm_form else None
            if form is not None and not form.is_valid():
                # The same dry run again, with the missing values marked.
                return self._render_preview(request, preview_job, form)
            try:
                # Taking the file first means a double click confirms the upload once.
                claim_upload(token)
            except UploadMissing:
                return self._upload_expired(request)
            job, _started = jobs.start_job(
                kind=self.confirm_job,
                owner=request.user,
                key=token,
                params={
                    **preview_job.params,
                    **(self.confirm_params(form) if form is not None else {}),
                    "preview_job": str(preview_job.pk),
                },
            )
            return redirect("core:job_detail", pk=job.pk)

        return self._views.setdefault("confirm", confirm)

    # --- steps ----------------------------------------------------------------------------

    def _start_dry_run(self, request: AuthenticatedRequest, upload: UploadedFile) -> HttpResponse:
        content = upload.read()
        job, _started = jobs.start_job(
            kind=self.preview_job,
            owner=request.user,
            params={
                "token": store_upload(content),
                "filename": upload.name,
                "digest": file_digest(content),
            },
        )
        return redirect("core:job_detail", pk=job.pk)

    def _show_failed_dry_run(self, request: AuthenticatedRequest, form: forms.Form) -> None:
        """After a dry run that refused the file, its reason under the file field."""
        job = jobs.own_job(request.user, request.GET.get("job", ""), kind=self.preview_job)
        if job is not None and job.state == JobState.FAILED:
            form.full_clean()  # An unbound form: no data, no errors, until this one.
            form.cleaned_data = {}
            form.add_error("file", job.error)

    def _render_preview(
        self, request: AuthenticatedRequest, job: BackgroundJob, confirm_form: forms.Form | None
    ) -> HttpResponse:
        preview = self.stored_preview(job.result["data"])
        context = {
            "preview": preview,
            "rows": preview.rows,
            "hidden_rows": preview.hidden_rows,
            "job": job,
            "confirm_form": confirm_form,
            "import_pages": self,
        }
        if self.preview_context is not None:
            context.update(self.preview_context(request, preview))
        return render(request, self.preview_template, context)

    def _upload_expired(self, request: AuthenticatedRequest) -> HttpResponse:
        messages.error(
            request,
            _("This upload was already confirmed or has expired. Upload the file again."),
        )
        return redirect(self.upload_url)
