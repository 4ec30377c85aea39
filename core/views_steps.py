"""The shape of a page's POST that takes one step through a service: the view checks the
person and the form, then `run_step` calls the service and turns its refusal (the app's
ServiceError) into a message, and `redisplay` shows the page again when the form was not
valid. Business rules stay in the services."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

# run(request, record, step, done) -> the redirect (see step_runner)
StepRunner = Callable[[HttpRequest, Model, Callable[[], object], Any], HttpResponse]


def run_step(
    request: HttpRequest,
    step: Callable[[], object],
    *,
    refusal: type[Exception] | tuple[type[Exception], ...],
    done: Any,
    to: str,
    **url_kwargs: Any,
) -> HttpResponse:
    """Call `step()`; on success show `done`, on `refusal` (an exception class) show its
    message. Either way, redirect to `to` (a URL, or a URL name with its `url_kwargs`)."""
    try:
        step()
    except refusal as error:
        messages.error(request, str(error))
    else:
        messages.success(request, str(done))
    return redirect(to, **url_kwargs)


def redisplay(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The page again, with the form that was not valid marked in `context`."""
    messages.error(request, _("Please correct the errors below."))
    return render(request, template, context)


def step_runner(*, refusal: type[Exception] | tuple[type[Exception], ...], to: str) -> StepRunner:
    """`run_step` for one page of records: `run(request, record, step, done)` redirects to
    `to` (a URL name taking the record's pk)."""

    def run(
        request: HttpRequest, record: Model, step: Callable[[], object], done: Any
    ) -> HttpResponse:
        return run_step(request, step, refusal=refusal, done=done, to=to, pk=record.pk)

    return run
