"""The step bar of a workflow record: {% load steps %} then
{% include "includes/step_bar.html" with bar=record|step_bar %} (core.steps.StepPath)."""

from django import template
from django.db import models

from core.steps import ShownStep, step_path_of

register = template.Library()


@register.filter
def step_bar(record: models.Model | None) -> list[ShownStep]:
    """The steps of the record's declared path (its model's STEP_PATH); [] without one."""
    if record is None:
        return []
    path = step_path_of(record)
    return path.shown(record) if path is not None else []
