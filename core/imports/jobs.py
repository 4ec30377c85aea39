"""The two background jobs of every import (core.jobs): the dry run of an upload and its
confirmation. An app registers them once with `import_job_kinds`, giving only what is its
own: how to check the file (the dry run) and how to write it (the confirmation).

Both jobs share the handling of the upload (core.imports.uploads): a dry run that finds the
upload gone sends the person back to the upload page, one whose file is refused discards
it and shows why under the file field; a confirmation gives its claim back when it fails
(so the upload may be confirmed again) and deletes the upload when it succeeds."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from core.jobs import JobFailed, JobOutcome, Progress, job_kind
from core.models import BackgroundJob
from core.spreadsheets import ImportFileError

from .importer import DryRun
from .uploads import (
    UploadMissing,
    discard_upload,
    file_digest,
    finish_claim,
    read_claimed_upload,
    read_upload,
    release_claim,
)


def import_job_kinds(
    *,
    preview_kind: str,
    confirm_kind: str,
    preview_title: Any,
    confirm_title: Any,
    upload_url: str,
    preview_url: str,
    dry_run: Callable[[BackgroundJob, bytes, Progress], DryRun],
    confirm: Callable[[BackgroundJob, bytes, Progress], JobOutcome],
) -> tuple[Callable[..., JobOutcome], Callable[..., JobOutcome]]:
    """Register the dry run and the confirmation jobs of one import.

    `upload_url` and `preview_url` are URL names (the preview's takes the dry run's job).
    `dry_run(job, content, progress)` returns the DryRun kept for the preview page;
    `confirm(job, content, progress)` writes the file and returns the JobOutcome, raising
    JobFailed for a reason of its own (the claim is then given back)."""

    def upload_page(job: BackgroundJob | None = None) -> str:
        return reverse(upload_url)

    @job_kind(preview_kind, title=preview_title, fallback_url=upload_page)
    def run_dry_run(job: BackgroundJob, progress: Progress) -> JobOutcome:
        token = job.params["token"]
        try:
            result = dry_run(job, read_upload(token), progress)
        except UploadMissing as missing:
            raise JobFailed(_expired(), url=upload_page()) from missing
        except ImportFileError as error:
            discard_upload(token)
            # Shown under the file field of the upload page.
            raise JobFailed(
                str(error), url=f"{upload_page()}?job={job.pk}", as_message=False
            ) from error
        return JobOutcome(url=reverse(preview_url, args=[job.pk]), data=result.as_data())

    @job_kind(confirm_kind, title=confirm_title, fallback_url=upload_page)
    def run_confirmation(job: BackgroundJob, progress: Progress) -> JobOutcome:
        """The claimed upload, read again against the database as it is now, then written."""
        token = job.params["token"]
        try:
            content = read_claimed_upload(token)
            if file_digest(content) != job.params["digest"]:
                raise UploadMissing
            outcome = confirm(job, content, progress)
        except UploadMissing as missing:
            raise JobFailed(_expired(), url=upload_page()) from missing
        except ImportFileError as error:
            release_claim(token)
            raise JobFailed(str(error), url=upload_page()) from error
        except PermissionDenied as denied:
            release_claim(token)
            raise JobFailed(
                _("You may no longer do this: your permissions changed."), url=reverse("home")
            ) from denied
        except BaseException:
            release_claim(token)
            raise
        finish_claim(token)
        return outcome

    return run_dry_run, run_confirmation


def preview_page(job: BackgroundJob, url_name: str) -> str:
    """The preview page of the dry run this confirmation came from."""
    return reverse(url_name, args=[job.params["preview_job"]])


def _expired() -> str:
    return _("This upload was already confirmed or has expired. Upload the file again.")
