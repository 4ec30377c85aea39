"""The Arabic catalogues are complete and their committed .mo files match the .po, so a
fresh checkout shows Arabic without GNU gettext. django.po is written by `make messages`;
djangojs.po (the admin's JavaScript strings Django's own Arabic lacks) is kept by hand."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "ar" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_arabic_message_is_translated(domain):
    catalogue = polib.pofile(str(LOCALE / f"{domain}.po"))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert catalogue.percent_translated() == 100


def _messages(catalogue):
    return {
        (entry.msgctxt, entry.msgid): entry.msgstr or tuple(sorted(entry.msgstr_plural.items()))
        for entry in catalogue
        if entry.msgid and not entry.obsolete
    }


@pytest.mark.parametrize("domain", DOMAINS)
def test_compiled_catalogue_matches_the_source(domain):
    source = _messages(polib.pofile(str(LOCALE / f"{domain}.po")))
    compiled = _messages(polib.mofile(str(LOCALE / f"{domain}.mo")))
    assert compiled == source, f"Run `make messages` and commit locale/ar/LC_MESSAGES/{domain}.mo"
