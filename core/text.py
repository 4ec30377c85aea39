"""Text normalisation for Arabic search and duplicate detection, the light stemmer with its
stop words that groups texts worded alike (complaints' recurring groups), and the isolation of
mixed-direction values (`bdi` and `html_message` in HTML, `isolate` in PDFs and plain text)."""

import re
from collections.abc import Mapping
from decimal import Decimal

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, SafeString, mark_safe

_ARABIC_INDIC_ZERO = 0x0660
_PERSIAN_ZERO = 0x06F0

_DIGITS_TABLE = {
    **{_ARABIC_INDIC_ZERO + value: str(value) for value in range(10)},
    **{_PERSIAN_ZERO + value: str(value) for value in range(10)},
}

_STRIPPED_MARKS = [
    *range(0x064B, 0x065F + 1),  # tashkeel / harakat
    0x0670,  # superscript alef
    *range(0x06D6, 0x06ED + 1),  # Quranic annotation marks
    0x0640,  # tatweel
]

_LETTER_VARIANTS = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ى": "ي",
    "ة": "ه",
    "ؤ": "و",
    "ئ": "ي",
}

_ARABIC_SEARCH_TABLE = {
    **_DIGITS_TABLE,
    **dict.fromkeys(_STRIPPED_MARKS),
    **{ord(variant): base for variant, base in _LETTER_VARIANTS.items()},
}

_WHITESPACE_RUN = re.compile(r"\s+")


def normalize_digits(text: str) -> str:
    """Replace Arabic-Indic and Persian digits with ASCII digits."""
    return text.translate(_DIGITS_TABLE)


def normalize_arabic(text: str | None) -> str:
    """Reduce text to a canonical form so spelling variants of a name compare equal."""
    if not text:
        return ""
    folded = text.translate(_ARABIC_SEARCH_TABLE).casefold()
    return _WHITESPACE_RUN.sub(" ", folded).strip()


# Words that say nothing about what went wrong; left out of the text signature so that
# "تأخر توزيع السلال" and "التأخر في توزيع السلة" fall in the same recurring group.
_STOP_WORDS_TEXT = (
    "في من على عن الى إلى مع هذا هذه ذلك تلك التي الذي لم لا ما او أو ثم قد تم كان "
    "يوجد عدم بعد قبل عند كل بسبب حول لدى لقد انه أنه الخدمة خدمة شكوى استفسار اقتراح"
)
STOP_WORDS = frozenset(normalize_arabic(_STOP_WORDS_TEXT).split())
_SIGNATURE_WORDS = 4


# Broken plurals of the words complaints use most, each to its singular's stem (after
# normalisation): a light stemmer cannot see that السلال is the plural of السلة.
_PLURAL_STEMS = {
    normalize_arabic(plural): singular
    for plural, singular in {
        "سلال": "سل",
        "مساعدات": "مساعد",
        "خدمات": "خدم",
        "مواعيد": "موعد",
        "برامج": "برنامج",
        "دورات": "دور",
        "موظفين": "موظف",
        "موظفون": "موظف",
        "موظفي": "موظف",
        "اسر": "اسر",
        "مراكز": "مركز",
        "رسائل": "رسال",
        "طلبات": "طلب",
        "مكيفات": "مكيف",
    }.items()
}


def light_stem(word: str) -> str:
    """A light stem: without the article and the feminine ending, so that singular and
    definite forms of the same word match; common broken plurals map to the singular."""
    for prefix in ("وال", "بال", "فال", "كال", "ال"):
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    if word in _PLURAL_STEMS:
        return _PLURAL_STEMS[word]
    if word.endswith("ه"):
        word = word[:-1]
    return word


def text_signature(text: str) -> str:
    """The key that groups complaints with similar wording (manual 5.1.8): the first
    significant words of the normalised subject, stemmed lightly and sorted."""
    words = []
    for word in normalize_arabic(text).split():
        word = "".join(ch for ch in word if ch.isalnum())
        if len(word) < 3 or word in STOP_WORDS:
            continue
        stem = light_stem(word)
        if stem in STOP_WORDS:
            continue
        if stem not in words:
            words.append(stem)
    return " ".join(sorted(words[:_SIGNATURE_WORDS]))


def bdi(value: object) -> SafeString:
    """`value` escaped, then isolated in `<bdi>`: a Latin name, a code, an e-mail or a file
    name inside an Arabic sentence (or an Arabic name inside an English one) keeps the
    sentence's order. Empty (None or "") gives "". The template filter is `|bdi`."""
    if value is None or value == "":
        return SafeString("")
    return format_html("<bdi>{}</bdi>", value)


FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"


def isolate(value: object) -> str:
    """`value` between U+2068 FIRST STRONG ISOLATE and U+2069 POP DIRECTIONAL ISOLATE: plain
    text (escaped as usual by templates), for where <bdi> does nothing or cannot go: PDFs
    (WeasyPrint ignores <bdi> and `unicode-bidi`, Pango honours the characters), <title>,
    attributes. Empty (None or "") gives "". The template filter is `|isolate`."""
    if value is None or value == "":
        return ""
    return f"{FIRST_STRONG_ISOLATE}{value}{POP_DIRECTIONAL_ISOLATE}"


def html_message(template: str, values: Mapping[str, object]) -> SafeString:
    """A translated sentence `_("… %(name)s …")` with its values, as safe HTML for a django
    message: the sentence and every value are escaped, except values already safe (those of
    `bdi`), and numbers stay numbers for `%(count)d`. Use it with `bdi`:
    `html_message(_("… %(donor)s …"), {"donor": bdi(donor.name)})`."""
    escaped = {
        key: value
        if isinstance(value, int | float | Decimal)
        else conditional_escape(value if isinstance(value, SafeData) else str(value))
        for key, value in values.items()
    }
    return mark_safe(conditional_escape(template) % escaped)  # every part escaped above
