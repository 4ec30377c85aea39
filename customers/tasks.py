"""Background work of the customer pages (core.jobs): the import's dry run and its
confirmation, and the steward's entry of a large form. Each runs as a Celery task while the
page shows its progress; without Redis, in-process."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.jobs import JobFailed, JobOutcome, job_kind

from . import imports, services
from .models import CustomerRequest

IMPORT_PREVIEW = "customers.import_preview"
IMPORT_CONFIRM = "customers.import_confirm"
REQUEST_ENTER = "customers.request_enter"


def _upload_page(job=None):
    return reverse("customers:import")


def _expired():
    return _("This upload was already confirmed or has expired. Upload the file again.")


def _no_longer_allowed():
    return _("You may no longer do this: your permissions changed.")


@job_kind(
    IMPORT_PREVIEW, title=gettext_lazy("Checking the customer file"), fallback_url=_upload_page
)
def preview_customer_import(job, progress):
    """The dry run of an uploaded file: its preview is kept on the job for its page."""
    token = job.params["token"]
    try:
        content = imports.read_upload(token)
        preview = imports.preview_import(content, job.params["filename"], progress)
    except imports.UploadMissing as missing:
        raise JobFailed(_expired(), url=_upload_page()) from missing
    except imports.ImportFileError as error:
        imports.discard_upload(token)
        # Shown under the file field of the upload page.
        raise JobFailed(
            str(error), url=f"{_upload_page()}?job={job.pk}", as_message=False
        ) from error
    return JobOutcome(
        url=reverse("customers:import_preview", args=[job.pk]), data=preview.as_data()
    )


@job_kind(
    IMPORT_CONFIRM, title=gettext_lazy("Preparing the import form"), fallback_url=_upload_page
)
def confirm_customer_import(job, progress):
    """The confirmation: the claimed upload is read again against the database as it is
    now and becomes one import form. The claim is given back if this fails."""
    params = job.params
    token = params["token"]
    preview_url = reverse("customers:import_preview", args=[params["preview_job"]])
    try:
        content = imports.read_claimed_upload(token)
        if imports.file_digest(content) != params["digest"]:
            raise imports.UploadMissing
        preview = imports.preview_import(content, params["filename"], progress)
        progress.phase("write", start=95, end=100)
        form_request = imports.confirm_import(
            actor=job.owner, preview=preview, reason=params["reason"]
        )
    except imports.UploadMissing as missing:
        raise JobFailed(_expired(), url=_upload_page()) from missing
    except imports.ImportFileError as error:
        imports.release_claim(token)
        raise JobFailed(str(error), url=_upload_page()) from error
    except services.RequestError as error:
        imports.release_claim(token)
        raise JobFailed(str(error), url=preview_url) from error
    except PermissionDenied as denied:
        imports.release_claim(token)
        raise JobFailed(_no_longer_allowed(), url=reverse("home")) from denied
    except BaseException:
        imports.release_claim(token)
        raise
    imports.finish_claim(token)
    return JobOutcome(
        url=reverse("customers:request_detail", args=[form_request.pk]),
        message=_(
            "The import form number %(number)s was submitted to the CRM manager with "
            "%(count)s customers. Nothing changes in the customer database until it is "
            "approved and entered."
        )
        % {"number": form_request.pk, "count": len(preview.lines())},
    )


def _request_page(job):
    return reverse("customers:request_detail", args=[job.params["request"]])


@job_kind(
    REQUEST_ENTER,
    title=gettext_lazy("Entering the form into the customer database"),
    fallback_url=_request_page,
)
def enter_customer_request(job, progress):
    """The steward's entry of a large form (customers.services.customer_request_enter)."""
    url = _request_page(job)
    form_request = CustomerRequest.objects.get(pk=job.params["request"])
    try:
        result = services.customer_request_enter(
            request=form_request, actor=job.owner, progress=progress
        )
    except services.RequestError as error:
        raise JobFailed(str(error), url=url) from error
    except PermissionDenied as denied:
        raise JobFailed(_no_longer_allowed(), url=url) from denied
    if not result.entered:
        return JobOutcome(url=url, message=not_entered_message(result), level="warning")
    return JobOutcome(url=url, message=_("The form was entered into the customer database."))


def not_entered_message(result):
    return _(
        "Not entered: %(names)s changed after this form was prepared. The form went "
        "back to the CRM manager with the current values."
    ) % {"names": ", ".join(str(customer) for customer in result.conflicts)}
