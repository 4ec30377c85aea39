"""Saudi mobile numbers: normalisation to E.164, validation and local display."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.text import normalize_digits

SAUDI_COUNTRY_CODE = "966"
SAUDI_REGION = "SA"

INVALID_MOBILE_MESSAGE = _("Enter a valid Saudi mobile number, e.g. 05XXXXXXXX.")
INVALID_MOBILE_CODE = "invalid_mobile"

# phonenumbers reads letters as keypad digits ("ABC" -> "222"), so anything beyond digits
# and the usual separators is refused before parsing.
_ACCEPTED_CHARACTERS = re.compile(r"^\+?[0-9\s\-().]+$")
_MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


# The two shapes nearly every list uses, "05XXXXXXXX" and "+9665XXXXXXXX", are checked against
# the Saudi mobile pattern of phonenumbers' own metadata without a full parse: an import
# normalises thousands of them. Only acceptance takes this path; anything else is parsed.
_COMMON_SHAPE = re.compile(r"^(?:0|\+966)(5\d{8})$")
_SAUDI_METADATA = phonenumbers.PhoneMetadata.metadata_for_region(SAUDI_REGION)
assert (
    _SAUDI_METADATA is not None and _SAUDI_METADATA.mobile is not None
)  # shipped with the library
_SAUDI_MOBILE_PATTERN = re.compile(str(_SAUDI_METADATA.mobile.national_number_pattern))


def _common_saudi_mobile(text: str) -> str | None:
    """The E.164 form of a mobile written in a common shape, else None (parse it)."""
    shape = _COMMON_SHAPE.match(text)
    if shape and _SAUDI_MOBILE_PATTERN.fullmatch(shape.group(1)):
        return f"+{SAUDI_COUNTRY_CODE}{shape.group(1)}"
    return None


def _invalid_mobile() -> ValidationError:
    return ValidationError(INVALID_MOBILE_MESSAGE, code=INVALID_MOBILE_CODE)


def _parse_saudi_number(text: str) -> phonenumbers.PhoneNumber:
    try:
        return phonenumbers.parse(text, SAUDI_REGION)
    except phonenumbers.NumberParseException as error:
        raise _invalid_mobile() from error


def _is_saudi_mobile(number: phonenumbers.PhoneNumber) -> bool:
    return (
        number.country_code == int(SAUDI_COUNTRY_CODE)
        and not number.extension
        and str(number.national_number).startswith("5")
        and phonenumbers.is_valid_number(number)
        and phonenumbers.number_type(number) in _MOBILE_TYPES
    )


def normalize_saudi_mobile(raw: str) -> str:
    """Return a Saudi mobile number in E.164 form ("+9665XXXXXXXX").

    Raises ValidationError (code "invalid_mobile") when raw is not a Saudi mobile number.
    """
    text = normalize_digits(raw or "").strip()
    common = _common_saudi_mobile(text)
    if common is not None:
        return common
    if not _ACCEPTED_CHARACTERS.match(text):
        raise _invalid_mobile()
    number = _parse_saudi_number(text)
    if not _is_saudi_mobile(number):
        raise _invalid_mobile()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_saudi_mobile(value: object) -> None:
    """Validator for optional mobile fields: blank passes, anything else must normalise."""
    if value in (None, ""):
        return
    normalize_saudi_mobile(str(value))


def format_saudi_mobile_local(e164: str) -> str:
    """Show "+966512345678" the local way, "051 234 5678", on pages, in PDFs and in exports
    (the one display of a mobile; it is stored in E.164 and read back in any form). Other
    numbers are returned as they are."""
    prefix = "+" + SAUDI_COUNTRY_CODE
    if e164 and e164.startswith(prefix) and len(e164) == len(prefix) + 9:
        local = "0" + e164[len(prefix) :]
        return f"{local[:3]} {local[3:6]} {local[6:]}"
    return e164 or ""
