"""The shape of a page's POST that takes one step through a service: the view checks the
person and the form, then `run_step` calls the service and turns its refusal (the app's
ServiceError) into a message, and `redisplay` shows the page again when the form was not
valid. Business rules stay in the services."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.contrib import messages
from django.db.models import Model
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.steps import Action

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


def post_step(
    request: HttpRequest,
    *,
    action: str,
    declared: Sequence[Action],
    available: Iterable[str],
    step: Callable[[Mapping[str, Any]], object],
    refusal: type[Exception] | tuple[type[Exception], ...],
    done: Any,
    show_again: Callable[[str, BaseForm], HttpResponse],
    to: str,
    form_kwargs: Mapping[str, Any] | None = None,
    **url_kwargs: Any,
) -> HttpResponse:
    """The POST of one step of a record's action card (core.steps.action_panel). An
    available step with its own form checks it first: sent back with errors, or refused by
    the service, the page is shown again by `show_again(action, form)` with what was typed
    and the reason at the top of the form (never a blank form). Otherwise `step(data)` runs
    (data: the form's cleaned data, or the POST for a step without fields or one the page
    does not offer, which the service then refuses) and the page redirects like run_step."""
    spec = next(
        (declared_action for declared_action in declared if declared_action.name == action), None
    )
    form: BaseForm | None = None
    if spec is not None and spec.form is not None and action in set(available):
        form = spec.form(request.POST, auto_id=f"id_{action}_%s", **(form_kwargs or {}))
        if not form.is_valid():
            return show_again(action, form)
    try:
        step(form.cleaned_data if form is not None else request.POST)
    except refusal as error:
        if form is None:
            messages.error(request, str(error))
            return redirect(to, **url_kwargs)
        form.add_error(None, str(error))
        return show_again(action, form)
    messages.success(request, str(done))
    return redirect(to, **url_kwargs)
