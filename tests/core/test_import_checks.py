"""core.imports.checks: a quick check equals the form field's clean, error messages included;
core.phones: the common mobile shapes read without a parse give what the parse gives."""

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError

from core import phones
from core.imports.checks import field_check

FIELDS = [
    forms.CharField(max_length=5),
    forms.CharField(max_length=5, required=False),
    forms.CharField(required=False, strip=False),
    forms.EmailField(required=False),
    forms.TypedChoiceField(choices=[("a", "A"), ("b", "B")]),
    forms.TypedChoiceField(choices=[("", "—"), ("a", "A")], required=False),
    forms.BooleanField(required=False),
    forms.DateField(required=False),
]
VALUES: list[object] = [
    "",
    None,
    "  abc ",
    "abcdef",
    "a\x00",
    "a",
    "c",
    "x@example.org",
    "not an email",
]
VALUES += [True, False, "false", datetime.date(2026, 1, 2), "2026-01-02", 5]


def _outcome(function, value):
    try:
        return "value", function(value)
    except ValidationError as error:
        return "error", error.messages
    except (AttributeError, TypeError) as error:  # what Django's own field does with it
        return "crash", type(error)


@pytest.mark.parametrize("field", FIELDS, ids=lambda field: type(field).__name__)
def test_a_quick_check_gives_what_the_form_field_gives(field):
    check = field_check(field)
    for value in VALUES:
        assert _outcome(check, value) == _outcome(field.clean, value), value


@pytest.mark.parametrize(
    "text",
    ["0501234567", "+966501234567", "0521234567", "0579912345", "0579012345", "05 0123 4567"],
)
def test_a_common_mobile_shape_gives_what_the_parse_gives(text):
    quick = phones._common_saudi_mobile(phones.normalize_digits(text).strip())
    if quick is None:
        return
    number = phones._parse_saudi_number(text)
    assert phones._is_saudi_mobile(number)
    assert quick == f"+{number.country_code}{number.national_number}"
