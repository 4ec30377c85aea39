"""Checking an imported row as a form would, without a form per row.

A Django form costs tens of microseconds per field for its bound fields, its copies of the
fields and its model validation: most of a 10,000-row dry run. `field_check(form_field)`
gives a plain function with the same outcome as `form_field.clean(value)`: a value that is
plainly valid is accepted at once, anything else goes through the form field itself, so
an error has the field's own message. An import's row checker (customers.imports.RowChecker)
combines these with its form's clean methods and rules between fields.
"""

import datetime
from collections.abc import Callable
from typing import Any

from django import forms

Check = Callable[[Any], Any]


def _text_check(field: forms.CharField) -> Check:
    limit = field.max_length

    def check(value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip() if field.strip else value
            fits = "\x00" not in text and (limit is None or len(text) <= limit)
            if fits and (text or not field.required):
                return text
        return field.clean(value)

    return check


def _choice_check(field: forms.TypedChoiceField) -> Check:
    # django-stubs types `choices` as any value the setter accepts; it is a list once set.
    choices: Any = field.choices
    valid = {str(value) for value, _label in choices if value != ""}

    def check(value: Any) -> Any:
        if value in valid:
            return value
        if value in (None, "") and not field.required:
            return ""
        return field.clean(value)

    return check


def _boolean_check(field: forms.BooleanField) -> Check:
    def check(value: Any) -> Any:
        return value if isinstance(value, bool) else field.clean(value)

    return check


def _date_check(field: forms.DateField) -> Check:
    def check(value: Any) -> Any:
        if value is None or type(value) is datetime.date:
            return value
        return field.clean(value)

    return check


def _optional_check(field: forms.Field) -> Check:
    """A field whose valid values have no cheap test (an email): only empty is quick."""

    def check(value: Any) -> Any:
        if value in (None, "") and not field.required:
            return ""
        return field.clean(value)

    return check


def field_check(field: forms.Field) -> Check:
    """A function equal to `field.clean` (the same value, the same ValidationError) but
    quick for a plainly valid value."""
    if isinstance(field, forms.EmailField | forms.URLField):
        return _optional_check(field)
    if isinstance(field, forms.TypedChoiceField) and not isinstance(
        field, forms.TypedMultipleChoiceField
    ):
        return _choice_check(field)
    if type(field) is forms.CharField:
        return _text_check(field)
    if type(field) is forms.BooleanField:
        return _boolean_check(field)
    if type(field) is forms.DateField:
        return _date_check(field)
    return field.clean
