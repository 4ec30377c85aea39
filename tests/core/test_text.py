import pytest

from core.text import normalize_arabic, normalize_digits


@pytest.mark.parametrize("spelling", ["أحمد", "احمد", "إحمد", "آحمد", "ٱحمد"])
def test_alef_variants_are_equal(spelling):
    assert normalize_arabic(spelling) == "احمد"


def test_teh_marbuta_matches_heh():
    assert normalize_arabic("مدرسة") == normalize_arabic("مدرسه") == "مدرسه"


def test_alef_maksura_matches_yeh():
    assert normalize_arabic("مصطفى") == normalize_arabic("مصطفي") == "مصطفي"


def test_tashkeel_and_tatweel_are_stripped():
    assert normalize_arabic("مُحَمَّـــد") == "محمد"


def test_superscript_alef_and_quranic_marks_are_stripped():
    assert normalize_arabic("الرَّحْمَٰنِ") == "الرحمن"
    assert normalize_arabic("عليمۖ") == "عليم"


def test_hamza_on_waw_and_yeh():
    assert normalize_arabic("مؤمن") == "مومن"
    assert normalize_arabic("هيئة") == "هييه"


def test_arabic_indic_and_persian_digits():
    assert normalize_digits("٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert normalize_digits("۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert normalize_arabic("حي ٣ ۴") == "حي 3 4"


def test_normalize_digits_leaves_other_text_alone():
    assert normalize_digits("شارع 12 ب") == "شارع 12 ب"


def test_whitespace_runs_collapse_and_ends_are_stripped():
    assert normalize_arabic("  عبد \t\n  الله  ") == "عبد الله"


@pytest.mark.parametrize("empty", [None, ""])
def test_empty_input(empty):
    assert normalize_arabic(empty) == ""


def test_latin_is_casefolded():
    assert normalize_arabic("Ahmed STRASSE") == normalize_arabic("ahmed straße")
