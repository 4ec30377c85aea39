"""Background work of the portfolio import (core.jobs): the dry run and the confirmation
run as Celery tasks while the page shows their progress; without Redis, in-process."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.jobs import JobFailed, JobOutcome, job_kind

from . import imports

IMPORT_PREVIEW = "programmes.import_preview"
IMPORT_CONFIRM = "programmes.import_confirm"


def _upload_page(job=None):
    return reverse("programmes:import")


def _expired():
    return _("This upload was already confirmed or has expired. Upload the file again.")


@job_kind(
    IMPORT_PREVIEW, title=gettext_lazy("Checking the portfolio file"), fallback_url=_upload_page
)
def preview_portfolio_import(job, progress):
    token = job.params["token"]
    try:
        content = imports.read_upload(token)
        preview = imports.preview_import(
            content, job.params["filename"], actor=job.owner, progress=progress
        )
    except imports.UploadMissing as missing:
        raise JobFailed(_expired(), url=_upload_page()) from missing
    except imports.ImportFileError as error:
        imports.discard_upload(token)
        raise JobFailed(
            str(error), url=f"{_upload_page()}?job={job.pk}", as_message=False
        ) from error
    return JobOutcome(
        url=reverse("programmes:import_preview", args=[job.pk]), data=preview.as_data()
    )


@job_kind(IMPORT_CONFIRM, title=gettext_lazy("Importing the portfolio"), fallback_url=_upload_page)
def confirm_portfolio_import(job, progress):
    """The file read again against the portfolio as it is now, then written at once."""
    params = job.params
    token = params["token"]
    preview_url = reverse("programmes:import_preview", args=[params["preview_job"]])
    try:
        content = imports.read_claimed_upload(token)
        if imports.file_digest(content) != params["digest"]:
            raise imports.UploadMissing
        preview = imports.preview_import(
            content, params["filename"], actor=job.owner, progress=progress
        )
        if not preview.can_confirm:
            imports.finish_claim(token)
            raise JobFailed(
                _("There is nothing to import: every row is unchanged or has an error."),
                url=preview_url,
            )
        progress.phase("write", start=90, end=100)
        result = imports.confirm_import(actor=job.owner, preview=preview)
    except JobFailed:
        raise
    except imports.UploadMissing as missing:
        raise JobFailed(_expired(), url=_upload_page()) from missing
    except imports.ImportFileError as error:
        imports.release_claim(token)
        raise JobFailed(str(error), url=_upload_page()) from error
    except (ValidationError, IntegrityError) as error:
        # Someone changed the portfolio between the reading and the writing. Nothing was
        # written; it is simplest to check the file again.
        imports.release_claim(token)
        raise JobFailed(
            _(
                "The portfolio changed while the file was being imported. Nothing was "
                "written: upload the file again to check it against the current portfolio."
            ),
            url=_upload_page(),
        ) from error
    except PermissionDenied as denied:
        imports.release_claim(token)
        raise JobFailed(
            _("You may no longer do this: your permissions changed."), url=reverse("home")
        ) from denied
    except BaseException:
        imports.release_claim(token)
        raise
    imports.finish_claim(token)
    return JobOutcome(
        url=reverse("programmes:list"),
        message=_(
            "The portfolio was imported: %(created)s new programmes, %(updated)s updated, "
            "%(unchanged)s unchanged, %(errors)s rows with errors left out."
        )
        % {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "errors": result.errors,
        },
    )
