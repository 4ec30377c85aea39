import pytest
from django.core.exceptions import ValidationError

from core.phones import format_saudi_mobile_local, normalize_saudi_mobile, validate_saudi_mobile

EXPECTED = "+966501234567"


@pytest.mark.parametrize(
    "raw",
    [
        "0501234567",
        "501234567",
        "966501234567",
        "00966501234567",
        "+966501234567",
        "+966 50 123 4567",
        "+966 (50) 123-4567",
        "050-123-4567",
        "(050) 123 4567",
        "  0501234567  ",
        "٠٥٠١٢٣٤٥٦٧",
        "۰۵۰۱۲۳۴۵۶۷",
        "+٩٦٦ ٥٠ ١٢٣ ٤٥٦٧",
    ],
)
def test_accepted_forms_normalise_to_e164(raw):
    assert normalize_saudi_mobile(raw) == EXPECTED


@pytest.mark.parametrize(
    "raw",
    [
        "0126123456",  # Makkah landline
        "+966126123456",
        "050123456",  # one digit short
        "05012345678",  # one digit long
        "0501234ABC",  # letters would otherwise be read as keypad digits
        "mobile",
        "050 123 4567 ext 12",
        "+14155552671",  # valid, but not Saudi
        "",
        "   ",
    ],
)
def test_invalid_numbers_raise(raw):
    with pytest.raises(ValidationError) as caught:
        normalize_saudi_mobile(raw)
    assert caught.value.code == "invalid_mobile"


@pytest.mark.parametrize("blank", ["", None])
def test_validator_allows_blank(blank):
    validate_saudi_mobile(blank)


def test_validator_accepts_a_valid_number():
    validate_saudi_mobile("0501234567")


def test_validator_rejects_a_landline():
    with pytest.raises(ValidationError) as caught:
        validate_saudi_mobile("0126123456")
    assert caught.value.code == "invalid_mobile"


def test_local_display_format():
    assert format_saudi_mobile_local("+966512345678") == "051 234 5678"
    assert format_saudi_mobile_local("") == ""
    assert format_saudi_mobile_local("+12025550123") == "+12025550123"  # not a Saudi mobile


def test_the_local_display_is_read_back_to_the_same_number():
    shown = format_saudi_mobile_local("+966551234567")
    assert normalize_saudi_mobile(shown) == "+966551234567"
