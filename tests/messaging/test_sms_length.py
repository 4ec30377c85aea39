import pytest

from messaging.sms import sms_length


@pytest.mark.parametrize(
    ("text", "encoding", "units", "parts"),
    [
        ("", "GSM-7", 0, 0),
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        # An extension character takes two places.
        ("€" * 80, "GSM-7", 160, 1),
        ("€" * 80 + "a", "GSM-7", 161, 2),
        # Arabic is UCS-2: 70 in one part, 67 per part when split.
        ("س" * 70, "UCS-2", 70, 1),
        ("س" * 71, "UCS-2", 71, 2),
        ("س" * 134, "UCS-2", 134, 2),
        ("س" * 135, "UCS-2", 135, 3),
        # One Arabic letter makes the whole text UCS-2.
        ("a" * 69 + "س", "UCS-2", 70, 1),
        # Arabic-Indic digits are not GSM either.
        ("١٢٣", "UCS-2", 3, 1),
        # An emoji is two UTF-16 units.
        ("😀" * 35, "UCS-2", 70, 1),
        ("😀" * 36, "UCS-2", 72, 2),
    ],
)
def test_parts_follow_the_gsm_and_ucs2_rules(text, encoding, units, parts):
    length = sms_length(text)
    assert (length.encoding, length.units, length.parts) == (encoding, units, parts)
    assert length.characters == len(text)


def test_remaining_places_in_the_last_part():
    assert sms_length("").remaining == 160
    assert sms_length("a" * 150).remaining == 10
    assert sms_length("س" * 71).remaining == 2 * 67 - 71
