"""Background work of the customer pages (core.jobs): the import's dry run and its
confirmation, and the steward's entry of a large form. Each runs as a Celery task while the
page shows its progress; without Redis, in-process."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.imports.jobs import import_job_kinds, preview_page
from core.jobs import JobFailed, JobOutcome, job_kind

from . import imports, services
from .models import CustomerRequest

IMPORT_PREVIEW = "customers.import_preview"
IMPORT_CONFIRM = "customers.import_confirm"
REQUEST_ENTER = "customers.request_enter"


def _no_longer_allowed():
    return _("You may no longer do this: your permissions changed.")


def _check_file(job, content, progress):
    return imports.preview_import(content, job.params["filename"], progress)


def _submit_form(job, content, progress):
    """The file becomes one import form for the CRM manager."""
    try:
        preview = imports.preview_import(content, job.params["filename"], progress)
        progress.phase("write", start=95, end=100)
        form_request = imports.confirm_import(
            actor=job.owner, preview=preview, reason=job.params["reason"]
        )
    except services.RequestError as error:
        raise JobFailed(str(error), url=preview_page(job, "customers:import_preview")) from error
    return JobOutcome(
        url=reverse("customers:request_detail", args=[form_request.pk]),
        message=_(
            "The import form number %(number)s was submitted to the CRM manager with "
            "%(count)s customers. Nothing changes in the customer database until it is "
            "approved and entered."
        )
        % {"number": form_request.pk, "count": len(preview.lines())},
    )


import_job_kinds(
    preview_kind=IMPORT_PREVIEW,
    confirm_kind=IMPORT_CONFIRM,
    preview_title=gettext_lazy("Checking the customer file"),
    confirm_title=gettext_lazy("Preparing the import form"),
    upload_url="customers:import",
    preview_url="customers:import_preview",
    dry_run=_check_file,
    confirm=_submit_form,
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
