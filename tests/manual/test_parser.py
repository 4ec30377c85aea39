"""The parser on the real texts shipped in manual/texts/."""

from datetime import date

import pytest

from manual.parser import parse_duration, read_texts


@pytest.fixture(scope="module")
def documents():
    crm, policy = read_texts()
    return crm, policy


def test_the_crm_manual_keeps_its_numbering(documents):
    crm, _policy = documents
    numbers = [section.number for section in crm.sections]
    assert len(numbers) == len(set(numbers)) == 110
    assert [s.number for s in crm.sections if s.depth == 1] == ["1", "2", "3", "4", "5", "6"]
    assert crm.section("1.3").title == "مراقب الدليل"
    assert crm.section("1.3").parent_number == "1"
    # Written right to left («٦.١.٥»): 5.1.6 is the complaints register's dates.
    assert crm.section("5.1.6").text.startswith("يجب أن يشمل سجل الشكاوي تاريخ استلام الشكوى")
    assert crm.section("5.1.6").depth == 3
    # 1.8–1.10 write the clause last («٨.١.٣»).
    assert crm.section("1.8.3").text.startswith("عند ضرورة الانحراف مؤقتاً")
    assert crm.section("1.11.7").parent_number == "1.11"
    # Numbered lists inside a clause stay in its text.
    assert "العمل على تطوير اطار العمل" in crm.section("2.1.1").text


def test_the_crm_manual_header(documents):
    crm, _policy = documents
    assert crm.issued_on == date(2014, 12, 1)
    assert crm.approved_by == "أمين المجلس الفرعي"
    assert crm.reviewed_by == "مدير إدارة علاقات العملاء"


def test_the_procedure_tables(documents):
    crm, _policy = documents
    tables = [s for s in crm.sections if s.is_procedure]
    assert [(t.number, t.title, len(t.steps)) for t in tables] == [
        ("4-1", "الحملات التسويقية", 6),
        ("4-2", "خلق الفرص", 6),
        ("4-3", "استبيانات الرضى الدورية", 8),
        ("5.2-1", "تقديم ومعالجة الشكاوي", 9),
        ("5.2-2", "تقارير الأداء", 6),
        ("6.2-1", "إدارة الملفات الشخصية للعملاء", 5),
    ]
    complaints = crm.section("5.2-1")
    step = complaints.steps[2]
    assert step.number == 3
    assert step.responsible == "موظف قسم شؤون المراكز / موظف قسم علاقات العملاء"
    assert step.duration_text == "١ يوم"  # as written
    assert (step.duration_value, step.duration_unit) == (1, "days")
    assert (complaints.steps[0].duration_value, complaints.steps[0].duration_unit) == (
        None,
        "immediate",
    )
    assert complaints.steps[3].duration_unit == "daily"
    assert complaints.steps[8].responsible == "أمين المجلس الفرعي"
    # The page break repeated the header: one table, steps 1 to 9.
    assert [s.number for s in complaints.steps] == list(range(1, 10))
    # The diagrams' labels between tables are left out.
    assert "المدخلات" not in crm.section("4").text
    form = crm.section("6.2-1")
    assert form.steps[1].process == "مراجعة نموذج إنشاء وتعديل معلومات العملاء"
    assert form.steps[1].output == "نموذج إنشاء وتعديل معلومات العملاء"


def test_the_beneficiary_policy_header_and_sections(documents):
    _crm, policy = documents
    assert policy.number == "28"
    assert policy.serial == 2
    assert policy.prepared_by == "المراجع الداخلي"
    assert policy.reviewed_by == "الرئيس التنفيذي"
    assert policy.approved_by == "مجلس الإدارة"
    assert policy.updated_on == date(2024, 7, 1)
    assert policy.issued_on == date(2024, 7, 21)
    assert [s.title for s in policy.sections] == [
        "تمهيد",
        "الهدف العام",
        "الأهداف التفصيلية",
        "القنوات المستخدمة للتواصل مع المستفيدين",
        "الأدوات المتاحة لموظف علاقات المستفيدين للتواصل مع المستفيدين",
        "اعتماد مجلس الإدارة",
    ]
    assert "8- مناديب المكاتب الفرعية" in policy.section("4").text
    assert policy.approval_note.startswith("اعتمد مجلس إدارة الجمعية")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("فوري", (None, "immediate")),
        ("فورا", (None, "immediate")),
        ("يوميًا", (None, "daily")),
        ("عند الحاجة", (None, "as_needed")),
        ("حسب الحاجة", (None, "as_needed")),
        ("١ يوم", (1, "days")),
        ("٣ أيام", (3, "days")),
        ("٢ يوم عمل", (2, "working_days")),
        ("٥ أيام عمل", (5, "working_days")),
        ("١ أسبوع", (1, "weeks")),
        ("أسبوع إلى أسبوعين", (2, "weeks")),
        ("أسبوعي", (1, "weeks")),
        ("شهري / حسب الحاجة", (1, "months")),
        ("سنوي / نصف سنوي", (12, "months")),
        ("", (None, "unspecified")),
        ("بعد الاجتماع", (None, "unspecified")),
    ],
)
def test_durations(text, expected):
    assert parse_duration(text) == expected
