"""The shape of a page's POST that takes one step through a service: the view checks the
person and the form, then `run_step` calls the service and turns its refusal (the app's
ServiceError) into a message, and `redisplay` shows the page again when the form was not
valid. Business rules stay in the services."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _


def run_step(request, step, *, refusal, done, to, **url_kwargs):
    """Call `step()`; on success show `done`, on `refusal` (an exception class) show its
    message. Either way, redirect to `to` (a URL, or a URL name with its `url_kwargs`)."""
    try:
        step()
    except refusal as error:
        messages.error(request, str(error))
    else:
        messages.success(request, str(done))
    return redirect(to, **url_kwargs)


def redisplay(request, template, context):
    """The page again, with the form that was not valid marked in `context`."""
    messages.error(request, _("Please correct the errors below."))
    return render(request, template, context)


def step_runner(*, refusal, to):
    """`run_step` for one page of records: `run(request, record, step, done)` redirects to
    `to` (a URL name taking the record's pk)."""

    def run(request, record, step, done):
        return run_step(request, step, refusal=refusal, done=done, to=to, pk=record.pk)

    return run
