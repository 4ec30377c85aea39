import pytest

from core.text import STOP_WORDS, light_stem, normalize_arabic, normalize_digits, text_signature


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


# --- the text signature ---------------------------------------------------------------------


def test_signature_groups_definite_and_prepositional_variants():
    assert text_signature("تأخر توزيع السلة الغذائية") == text_signature(
        "التأخر في توزيع السلة الغذائية"
    )
    assert text_signature("تأخر توزيع السلة الغذائية") == text_signature("تاخر توزيع سلة غذائية")


def test_signature_maps_common_broken_plurals_to_the_singular():
    """السلال (baskets) is the plural of السلة: both complaints fall in one text group."""
    assert text_signature("تأخر توزيع السلال الغذائية") == text_signature(
        "التأخر في توزيع السلة الغذائية"
    )
    assert text_signature("تأخر صرف المساعدات") == text_signature("تأخر صرف المساعدة")


def test_light_stem_drops_the_article_and_the_feminine_ending():
    assert light_stem("السله") == "سل"
    assert light_stem("والمركز") == "مركز"
    assert light_stem("بالموعد") == "موعد"


def test_light_stem_keeps_short_words_whole():
    # Without the article «الم» would be two letters: it is left as written.
    assert light_stem("الم") == "الم"


def test_light_stem_maps_broken_plurals_to_the_singular():
    assert light_stem("السلال") == light_stem("السله")
    assert light_stem("المراكز") == "مركز"


def test_stop_words_are_normalised():
    assert "الي" in STOP_WORDS and "إلى" not in STOP_WORDS


def test_signature_leaves_stop_words_and_short_words_out_and_keeps_four_words():
    assert text_signature("شكوى في الخدمة") == ""
    assert text_signature("تأخر صرف المساعدة في مركز حي الصفا بجدة") == "تاخر صرف مركز مساعد"
