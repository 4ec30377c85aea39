"""The Arabic catalogue is complete and its committed .mo matches the .po, so a fresh
checkout shows Arabic without GNU gettext."""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "ar" / "LC_MESSAGES"


def test_every_arabic_message_is_translated():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert catalogue.percent_translated() == 100


def _messages(catalogue):
    return {
        (entry.msgctxt, entry.msgid): entry.msgstr or tuple(sorted(entry.msgstr_plural.items()))
        for entry in catalogue
        if entry.msgid and not entry.obsolete
    }


def test_compiled_catalogue_matches_the_source():
    source = _messages(polib.pofile(str(LOCALE / "django.po")))
    compiled = _messages(polib.mofile(str(LOCALE / "django.mo")))
    assert compiled == source, "Run `make messages` and commit locale/ar/LC_MESSAGES/django.mo"
