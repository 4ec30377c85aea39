"""Saudi national ID and Iqama (resident ID) numbers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.text import normalize_digits

NATIONAL_ID_LENGTH = 10
CITIZEN_PREFIX = "1"
RESIDENT_PREFIX = "2"

_SEPARATORS = re.compile(r"[\s\-]+")
_TEN_DIGITS = re.compile(r"^[0-9]{10}$")


def normalize_national_id(raw: str) -> str:
    """ASCII digits only, with spaces and dashes removed."""
    return _SEPARATORS.sub("", normalize_digits(raw or ""))


def _luhn_total(digits: str) -> int:
    """Saudi variant of Luhn: digits at even indexes are doubled (digit sum), odd ones added."""
    total = 0
    for index, digit in enumerate(digits):
        value = int(digit)
        if index % 2 == 0:
            doubled = value * 2
            total += doubled // 10 + doubled % 10
        else:
            total += value
    return total


def _has_valid_check_digit(number: str) -> bool:
    return _luhn_total(number) % 10 == 0


def validate_saudi_national_id(value: object) -> None:
    """Validator for a citizen national ID (starts with 1) or an Iqama (starts with 2).

    Blank passes, so the validator can sit on optional fields.
    """
    if value in (None, ""):
        return
    number = normalize_national_id(str(value))
    if not _TEN_DIGITS.match(number):
        raise ValidationError(
            _("A national ID or Iqama number must be exactly 10 digits."),
            code="invalid_length",
        )
    if number[0] not in (CITIZEN_PREFIX, RESIDENT_PREFIX):
        raise ValidationError(
            _("A national ID starts with 1 and an Iqama number starts with 2."),
            code="invalid_prefix",
        )
    if not _has_valid_check_digit(number):
        raise ValidationError(
            _("This national ID or Iqama number is not valid; please check the digits."),
            code="invalid_checksum",
        )


def national_id_kind(value: str) -> str:
    """Return "citizen" for a national ID and "resident" for an Iqama number."""
    number = normalize_national_id(str(value))
    if number.startswith(CITIZEN_PREFIX):
        return "citizen"
    if number.startswith(RESIDENT_PREFIX):
        return "resident"
    raise ValueError(f"not a national ID or Iqama number: {value!r}")


def make_valid_national_id(prefix_digits: str) -> str:
    """Complete the first 9 digits with the check digit that makes the number valid."""
    prefix = normalize_national_id(prefix_digits)
    if not re.fullmatch(r"[0-9]{9}", prefix):
        raise ValueError("prefix_digits must be exactly 9 digits")
    # The check digit sits at odd index 9, so it is added as is.
    check_digit = (10 - _luhn_total(prefix) % 10) % 10
    return prefix + str(check_digit)
