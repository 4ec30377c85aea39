import pytest
from django.core.exceptions import ValidationError

from core.identity import (
    make_valid_national_id,
    national_id_kind,
    normalize_national_id,
    validate_saudi_national_id,
)

# Checked by hand: doubled even-index digits 2+6+(1+0)+(1+4)+(1+8) = 23,
# odd-index digits 2+4+6+8+7 = 27, total 50.
HAND_CHECKED_CITIZEN_ID = "1234567897"
HAND_CHECKED_RESIDENT_ID = "2000000006"  # 2*2 + 6 = 10


def _error_code(value):
    with pytest.raises(ValidationError) as caught:
        validate_saudi_national_id(value)
    return caught.value.code


@pytest.mark.parametrize("number", [HAND_CHECKED_CITIZEN_ID, HAND_CHECKED_RESIDENT_ID])
def test_hand_checked_numbers_are_valid(number):
    validate_saudi_national_id(number)


def test_make_valid_national_id_completes_the_check_digit():
    assert make_valid_national_id("123456789") == HAND_CHECKED_CITIZEN_ID
    assert make_valid_national_id("200000000") == HAND_CHECKED_RESIDENT_ID


@pytest.mark.parametrize("prefix", ["100000000", "109876543", "255555555", "299999999"])
def test_generated_numbers_are_valid(prefix):
    number = make_valid_national_id(prefix)
    assert len(number) == 10
    assert number.startswith(prefix)
    validate_saudi_national_id(number)


def test_make_valid_national_id_refuses_a_wrong_length():
    with pytest.raises(ValueError):
        make_valid_national_id("12345")


def test_kind():
    assert national_id_kind(HAND_CHECKED_CITIZEN_ID) == "citizen"
    assert national_id_kind(HAND_CHECKED_RESIDENT_ID) == "resident"


def test_arabic_indic_digits_and_separators_are_accepted():
    assert normalize_national_id("١٢٣٤ ٥٦٧-٨٩٧") == HAND_CHECKED_CITIZEN_ID
    validate_saudi_national_id("١٢٣٤٥٦٧٨٩٧")
    validate_saudi_national_id("1234 567 897")


@pytest.mark.parametrize("blank", ["", None])
def test_blank_passes(blank):
    validate_saudi_national_id(blank)


@pytest.mark.parametrize("value", ["123456789", "12345678971", "12345678a7", "id"])
def test_wrong_length_or_non_digits(value):
    assert _error_code(value) == "invalid_length"


@pytest.mark.parametrize("value", ["3234567897", "0000000000"])
def test_wrong_first_digit(value):
    assert _error_code(value) == "invalid_prefix"


def test_bad_check_digit():
    assert _error_code("1234567890") == "invalid_checksum"
