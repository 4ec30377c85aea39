"""Background work of the portfolio import (core.jobs): the dry run and the confirmation
run as Celery tasks while the page shows their progress; without Redis, in-process."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.imports.jobs import import_job_kinds, preview_page
from core.jobs import JobFailed, JobOutcome

from . import imports

IMPORT_PREVIEW = "programmes.import_preview"
IMPORT_CONFIRM = "programmes.import_confirm"


def _check_file(job, content, progress):
    return imports.preview_import(
        content, job.params["filename"], actor=job.owner, progress=progress
    )


def _write_portfolio(job, content, progress):
    """The file read again against the portfolio as it is now, then written at once."""
    try:
        preview = _check_file(job, content, progress)
        if not preview.can_confirm:
            imports.finish_claim(job.params["token"])
            raise JobFailed(
                _("There is nothing to import: every row is unchanged or has an error."),
                url=preview_page(job, "programmes:import_preview"),
            )
        progress.phase("write", start=90, end=100)
        result = imports.confirm_import(actor=job.owner, preview=preview)
    except (ValidationError, IntegrityError) as error:
        # Someone changed the portfolio between the reading and the writing. Nothing was
        # written; it is simplest to check the file again.
        raise JobFailed(
            _(
                "The portfolio changed while the file was being imported. Nothing was "
                "written: upload the file again to check it against the current portfolio."
            ),
            url=reverse("programmes:import"),
        ) from error
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


import_job_kinds(
    preview_kind=IMPORT_PREVIEW,
    confirm_kind=IMPORT_CONFIRM,
    preview_title=gettext_lazy("Checking the portfolio file"),
    confirm_title=gettext_lazy("Importing the portfolio"),
    upload_url="programmes:import",
    preview_url="programmes:import_preview",
    dry_run=_check_file,
    confirm=_write_portfolio,
)
