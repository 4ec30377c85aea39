"""The step bar of a workflow record: {% load steps %} then
{% include "includes/step_bar.html" with bar=record|step_bar %} (core.steps.StepPath); and
`{% action_form shown primary %}`, one step's form of the action card
(includes/action_card.html, core.steps.action_panel)."""

from django import template
from django.db import models
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from core.steps import ShownAction, ShownStep, step_path_of
from core.templatetags.filter_fields import form_fields

register = template.Library()


@register.filter
def step_bar(record: models.Model | None) -> list[ShownStep]:
    """The steps of the record's declared path (its model's STEP_PATH); [] without one."""
    if record is None:
        return []
    path = step_path_of(record)
    return path.shown(record) if path is not None else []


@register.simple_tag(takes_context=True)
def action_form(context: template.Context, shown: ShownAction, primary: bool = False) -> str:
    """One step's form (core.steps.ShownAction): its own fields and its button, as
    includes/action_form.html wrote it, character for character, without a template include
    per step (tests/core/test_steps.py renders both ways). With `primary`, the prominent
    button of the action card."""
    action = shown.action
    form = shown.form
    multipart = ' enctype="multipart/form-data"' if form is not None and form.is_multipart() else ""
    confirm = f' data-confirm="{conditional_escape(str(action.confirm))}"' if action.confirm else ""
    help_text = (
        f'<p class="small text-body-secondary">{conditional_escape(str(action.help))}</p>'
        if action.help
        else ""
    )
    fields = form_fields(form) if form else ""
    style = f"btn-{conditional_escape(action.style)}" if primary else "btn-outline-secondary btn-sm"
    icon = (
        f'<i class="bi {conditional_escape(action.icon)}" aria-hidden="true"></i> '
        if action.icon
        else ""
    )
    return mark_safe(  # noqa: S308 - every value escaped above, the fields by form_fields
        f'<form method="post" action="{conditional_escape(shown.url)}"{multipart} novalidate '
        f'data-testid="{conditional_escape(shown.testid)}"{confirm}>{_csrf_input(context)}\n'
        f"  {help_text}\n"
        f"  {fields}\n"
        f'  <button class="btn {style} w-100" type="submit">{icon}'
        f"{conditional_escape(str(action.label))}</button>\n"
        "</form>\n"
    )


def _csrf_input(context: template.Context) -> str:
    """What {% csrf_token %} writes (django.template.defaulttags.CsrfTokenNode)."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return str(format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token))
