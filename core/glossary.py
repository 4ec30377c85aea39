"""The Arabic glossary: the words every message uses, the variants it may not use.

The manual's own terms come first (the policies and procedures manual of the customer
relations department, December 2014), then the house terms and the spelling rules.
`docs/GLOSSARY.md` shows the same table for people; `python -m core.glossary` prints it and
`tests/site/test_glossary.py` checks that the doc matches this module and that no Arabic
message (the catalogue in locale/ar, Arabic text in templates and PDF templates) uses a
forbidden variant.

A variant is matched on `core.text.normalize_arabic` forms (tashkeel, hamza forms, ى/ي and
ة/ه folded), so «المرشّحات» and «المرشحات» are both caught. A term with `english` as a
regular expression is held only in the messages whose English matches it (the case is
«الطلب» wherever the English says "case", while «الحالة» stays the word for a status).
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from core.text import normalize_arabic


@dataclass(frozen=True)
class Term:
    """One word of the glossary: the Arabic to use, the English it translates, the variants
    no message may use, and where it comes from (a section of the manual, or "house")."""

    arabic: str
    english: str
    forbidden: tuple[str, ...] = ()
    note: str = ""
    source: str = "house"
    # A regular expression on the English message: the forbidden variants are held only in
    # messages whose English matches it ("" = in every Arabic text).
    only_when_english: str = ""
    # Variants a plain word cannot say: (regular expression on the normalised text, what the
    # doc shows), such as the director's title cut short.
    forbidden_patterns: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SpellingRule:
    """A spelling held on the raw text (tashkeel included), such as where tanween goes."""

    name: str
    pattern: str
    use: str
    note: str


MANUAL_TERMS: tuple[Term, ...] = (
    Term(
        "الشكاوى والاستفسارات والاقتراحات",
        "complaints, inquiries and suggestions",
        ("الشكاوى والاستفسارات والمقترحات",),
        "The manual's title of chapter 5; a suggestion is «اقتراح», a programme proposal «مقترح».",
        "5",
    ),
    Term(
        "مسؤول قاعدة بيانات العملاء",
        "customer-data steward",
        ("مسؤول قاعدة البيانات", "مسئول قاعدة البيانات"),
        "«مسؤول عن قاعدة بيانات العملاء شخص رئيسي … وشخص آخر ينوب عنه» (6.1.4); the"
        " deputy is «نائب مسؤول قاعدة بيانات العملاء».",
        "6.1.4",
    ),
    Term(
        "أمين المجلس الفرعي",
        "sub-council secretary",
        ("سكرتير المجلس", "أمين سر المجلس"),
        "Decides on recommendations (5.2 step 9) and approves points of contact (3.1.21).",
        "3.1.21",
    ),
    Term(
        "إدارة تنمية الموارد المالية",
        "resource development",
        ("إدارة تنمية الموارد)", "تنمية الموارد."),
        "Always with «المالية».",
        "3.1.21",
    ),
    Term(
        "محفظة البرامج والأنشطة",
        "the programmes (and activities) portfolio",
        (),
        "«استلام محفظة البرامج والأنشطة من إدارة التخطيط الاستراتيجي وتطوير الخدمات» (3.2).",
        "3.2",
    ),
    Term(
        "الأسئلة المتكررة",
        "FAQ, frequently asked questions",
        ("الأسئلة الشائعة", "الاسئلة الشائعة", "أسئلة شائعة"),
        "The manual's «الأسئلة المتكررة والإجابات المعتمدة» (5.1.10); short form on menus.",
        "5.1.10",
    ),
    Term(
        "نقطة الاتصال الموحدة",
        "(single) point of contact",
        ("نقطة الاتصال الوحيدة", "نقطة اتصال وحيدة", "نقطة التواصل", "نقطة تواصل"),
        "«اعتماد نقطة اتصال موحدة مع المانحين» (3.1.21).",
        "3.1.21",
    ),
    Term(
        "نموذج إنشاء وتعديل معلومات العملاء",
        "customer information create/modify form",
        (
            "نموذج معلومات العميل",
            "نموذج معلومات العملاء",
            "نماذج معلومات العملاء",
            "نموذج بيانات العميل",
            "نموذج العميل",
            "نموذج عميل",
            "نماذج العملاء",
            "نموذج إنشاء أو تعديل",
        ),
        "The manual's name of the form (6.2); «النموذج» alone once the form is named.",
        "6.2",
    ),
    Term(
        "المتصل",
        "caller (the person on the line)",
        ("المتواصل", "المتصِل به", "الشخص المتصل"),
        "«التعامل مع المتصل باحترافية» (5.1.3).",
        "5.1.3",
    ),
    Term(
        "رسائل الجوال القصيرة",
        "SMS, text messages",
        ("رسائل SMS", "الرسائل النصية", "رسائل نصية", "الرسائل القصيرة"),
        "«التسويق عبر رسائل الجوال القصيرة» (3.1.6).",
        "3.1.6",
    ),
    Term(
        "مدير التخطيط الاستراتيجي وتطوير الخدمات",
        "strategic planning director",
        (),
        "Always the full title of 5.2 step 7; the department is «إدارة التخطيط الاستراتيجي"
        " وتطوير الخدمات».",
        "5.2",
        forbidden_patterns=(
            (r"مدير التخطيط(?! الاستراتيجي وتطوير الخدمات)", "مدير التخطيط… cut short"),
            (r"اداره التخطيط(?! الاستراتيجي وتطوير الخدمات)", "إدارة التخطيط… cut short"),
        ),
    ),
    Term(
        "سجل شكاوى العملاء",
        "the complaints register",
        ("سجل الشكاوى",),
        "The manual's register (5.2 steps 1, 4, 6), named in full on headings. The plural is"
        " «شكاوى» (see Spelling).",
        "5.2",
    ),
    Term(
        "حفظ النموذج في ملف النماذج",
        "file (a form), filed, filing",
        (),
        "The manual's last step (6.2 step 5): «حفظ نموذج إنشاء وتعديل معلومات العملاء في ملف"
        " خاص بذلك». Say «الحفظ في الملف» / «محفوظ في الملف», never bare «حفظ», which is"
        " the Save button.",
        "6.2",
        r"(?i)\bfil(ed|ing)\b|\bfile (it|this|the form|forms)\b",
        forbidden_patterns=((r"^(?!.*ملف).*حفظ", "حفظ without «في الملف»"),),
    ),
    Term(
        "الطلب (الطلبات)",
        "case (a complaint, inquiry or suggestion)",
        ("حالة", "حالات", "حالتان", "حالتين", "حالته", "حالتها"),
        "«طلبات العملاء» (5.1.6); the public pages say «الطلب». «الحالة» is only ever a status.",
        "5.1.6",
        r"(?i)^(?!.*\b(status|state|states)\b).*\bcases?\b",
    ),
)

HOUSE_TERMS: tuple[Term, ...] = (
    Term(
        "عوامل التصفية",
        "filters",
        ("المرشحات", "مرشحات", "الفلاتر", "فلاتر"),
        "«المرشحات» also means candidates. The button is «تصفية».",
    ),
    Term(
        "قناة الاتصال",
        "channel (of a contact or a case)",
        ("قناة التواصل", "قنوات التواصل"),
        "Plural «قنوات الاتصال».",
    ),
    Term(
        "ميجابايت",
        "MB, megabyte",
        ("ميغابايت", "ميغا بايت", "ميجا بايت"),
        "One spelling for the unit.",
    ),
    Term(
        "حفظ",
        "save",
        (),
        "The Save button and «حُفظت التغييرات»; never for filing a form (see above).",
    ),
    Term(
        "الحالة",
        "status, state",
        (),
        "Only a status («حالة الطلب»); the case itself is «الطلب».",
    ),
    Term(
        "متخذ القرار، المعتمِد، مُعِدّ النموذج…",
        "decided by, approved by, prepared by… ('…by' labels)",
        ("قرّر", "اعتمده", "رفضه", "أعدّه", "أدخله", "نشره", "سحبه", "اقترحه"),
        "A '…by' column or label is a noun («متخذ القرار»), never a bare verb («قرّر»).",
        "house",
        r"(?i)^[a-z ]*\bby\b( %\(\w+\)s)?$",
    ),
    Term(
        "اتخذ شخص آخر إجراءً هنا في اللحظة نفسها. أعد تحميل الصفحة لترى آخر ما وصل إليه.",
        "someone else acted at the same moment, reload",
        ("في الوقت نفسه. أعد", "تصرّف مستخدم آخر", "في نفس اللحظة", "في نفس الوقت"),
        "One shared message: core.workflow.CONFLICT_MESSAGE.",
    ),
    Term(
        "هل تريد …؟",
        "confirmations (Reject this form?)",
        ("هل أنت متأكد", "هل تود", "هل ترغب"),
        "Every confirmation asks «هل تريد …؟».",
        "house",
        r"(?i)(^|: )(reject|refuse|withdraw|undo|close|archive|cancel|record|delete|remove"
        r"|approve|publish|send|submit|confirm|mark)\b[^?]*\?",
        forbidden_patterns=((r"^(?!.*هل تريد)", "a confirmation without «هل تريد»"),),
    ),
)

TERMS: tuple[Term, ...] = MANUAL_TERMS + HOUSE_TERMS

SPELLING_RULES: tuple[SpellingRule, ...] = (
    SpellingRule(
        "tanween",
        "اً",
        "ًا",
        "Tanween al-fath sits on the letter before the alef: «جديدًا»، «أيضًا», not «جديداً».",
    ),
    SpellingRule(
        "plural of شكوى",
        "شكاوي",
        "شكاوى",
        "With alef maqsura, as in the manual's «سجل شكاوى العملاء».",
    ),
)


@dataclass(frozen=True)
class Breach:
    """A text using a variant the glossary forbids."""

    where: str
    text: str
    variant: str
    use: str

    def __str__(self) -> str:
        return f"{self.where}: «{self.variant}» → use «{self.use}»: {self.text[:120]}"


_COMPILED: dict[str, re.Pattern[str]] = {}


def _english_matches(term: Term, english: str | None) -> bool:
    if not term.only_when_english:
        return True
    if english is None:
        return False
    pattern = _COMPILED.setdefault(term.only_when_english, re.compile(term.only_when_english))
    return bool(pattern.search(english))


def _variant_re(variant: str) -> re.Pattern[str]:
    """The normalised variant as a whole-word pattern (Arabic prefixes و ف ب ل ك allowed)."""
    key = "variant:" + variant
    if key not in _COMPILED:
        words = re.escape(normalize_arabic(variant))
        _COMPILED[key] = re.compile(r"(?<![\w])[وفبلك]{0,2}(?:ال)?" + words + r"(?![\w])")
    return _COMPILED[key]


def breaches(text: str, *, where: str, english: str | None = None) -> Iterator[Breach]:
    """The forbidden variants `text` uses. `english` is the message it translates (None for
    Arabic written directly in a template): terms held only for some English are then
    skipped."""
    folded = normalize_arabic(text)
    for term in TERMS:
        if not _english_matches(term, english):
            continue
        for variant in term.forbidden:
            if _variant_re(variant).search(folded):
                yield Breach(where, text, variant, term.arabic)
        for pattern, shown in term.forbidden_patterns:
            compiled = _COMPILED.setdefault(pattern, re.compile(pattern))
            if compiled.search(folded):
                yield Breach(where, text, shown, term.arabic)
    for rule in SPELLING_RULES:
        if rule.pattern in text:
            yield Breach(where, text, rule.pattern, rule.use)


def markdown_table(terms: Iterable[Term]) -> str:
    """The glossary as the Markdown table docs/GLOSSARY.md shows."""
    lines = [
        "| Arabic | English | forbidden variants | source | note |",
        "|---|---|---|---|---|",
    ]
    for term in terms:
        shown = (*term.forbidden, *(shown for _, shown in term.forbidden_patterns))
        forbidden = "، ".join(f"~~{variant}~~" for variant in shown) or "—"
        lines.append(
            f"| {term.arabic} | {term.english} | {forbidden} | {term.source} | {term.note} |"
        )
    return "\n".join(lines)


def spelling_table() -> str:
    lines = ["| rule | write | not | note |", "|---|---|---|---|"]
    for rule in SPELLING_RULES:
        lines.append(f"| {rule.name} | {rule.use} | ~~{rule.pattern}~~ | {rule.note} |")
    return "\n".join(lines)


def generated_markdown() -> str:
    """The part of docs/GLOSSARY.md generated from this module (between its markers)."""
    return "\n\n".join(
        (
            "### The manual's terms",
            markdown_table(MANUAL_TERMS),
            "### House terms",
            markdown_table(HOUSE_TERMS),
            "### Spelling",
            spelling_table(),
        )
    )


if __name__ == "__main__":
    print(generated_markdown())
