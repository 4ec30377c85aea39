"""Text normalisation for Arabic search and duplicate detection."""

import re

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
