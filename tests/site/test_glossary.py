"""Every Arabic message holds to the glossary (docs/GLOSSARY.md, from core/glossary.py): no
forbidden variant in the catalogue, nor in Arabic written in templates and PDF templates."""

import re
from pathlib import Path

import polib
import pytest

from core import glossary

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "ar" / "LC_MESSAGES" / "django.po"
ARABIC = re.compile(r"[\u0600-\u06ff]")
SKIPPED_DIRS = {".venv", "node_modules", "staticfiles", "static", "tests", "artifacts", ".git"}


def _catalogue_breaches():
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete or not entry.msgid:
            continue
        translations = [entry.msgstr, *entry.msgstr_plural.values()]
        english = " ".join(filter(None, (entry.msgid, entry.msgid_plural)))
        where = f"django.po:{entry.linenum} {entry.msgid[:60]!r}"
        for text in filter(None, translations):
            yield from glossary.breaches(text, where=where, english=english)


def _templates():
    for path in ROOT.rglob("*.html"):
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts):
            yield path


def test_the_catalogue_uses_no_forbidden_variant():
    found = [str(breach) for breach in _catalogue_breaches()]
    assert found == [], "\n".join(found)


def test_arabic_in_templates_uses_no_forbidden_variant():
    found = []
    for path in _templates():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ARABIC.search(line):
                where = f"{path.relative_to(ROOT)}:{number}"
                found += [str(breach) for breach in glossary.breaches(line, where=where)]
    assert found == [], "\n".join(found)


def test_the_doc_shows_the_glossary_of_the_code():
    doc = (ROOT / "docs" / "GLOSSARY.md").read_text(encoding="utf-8")
    start, end = "<!-- glossary:start -->", "<!-- glossary:end -->"
    shown = doc.split(start, 1)[1].split(end, 1)[0].strip()
    assert shown == glossary.generated_markdown(), (
        "Regenerate the table: python -m core.glossary, between the markers of docs/GLOSSARY.md"
    )


@pytest.mark.parametrize(
    ("text", "english", "variant"),
    [
        ("اقرأ الأسئلة الشائعة", "Read the FAQ", "الأسئلة الشائعة"),
        ("مسح المرشّحات", "Clear the filters", "المرشحات"),
        ("بحد أقصى 5 ميغابايت", "at most 5 MB", "ميغابايت"),
        ("أُغلقت الحالة.", "The case was closed.", "حالة"),
        ("قرّر", "decided by", "قرّر"),
        ("أرسل طلباً", "Send a request", "اً"),
        ("من موظف الجودة إلى مدير التخطيط الاستراتيجي.", "To the director.", "مدير التخطيط…"),
    ],
)
def test_a_forbidden_variant_is_caught(text, english, variant):
    found = list(glossary.breaches(text, where="sample", english=english))
    assert [breach.variant for breach in found if breach.variant.startswith(variant[:5])], found


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("أعد تحميل الصفحة لمعرفة حالته.", "Reload the page to see its status."),
        ("حالة الطلب", "Status of the case"),
        ("إلى مدير التخطيط الاستراتيجي وتطوير الخدمات.", "To the director."),
        ("أرسل طلبًا", "Send a request"),
        ("حُفظت التغييرات.", "The changes were saved."),
    ],
)
def test_the_right_word_passes(text, english):
    assert list(glossary.breaches(text, where="sample", english=english)) == []
