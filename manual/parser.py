"""Reads the manual's documents shipped as text (manual/texts/) into sections and procedure
tables, keeping the manual's numbering and its text.

The CRM manual (seed 000) writes its numbers in Arabic-Indic digits with the parts in
right-to-left order: «٦.١.٥» is section 5.1.6, «٣,١» is 1.3. A top-level heading is a line
whose number and title are in the table of contents; a second-level heading has two parts
under the current top level; a clause («١.٣.١ …») has three parts under the current second
level (otherwise the line is text: numbered lists inside a clause look the same). Each
procedure table (its header «الرقم المسؤول العملية المدة الزمنية المخرج») becomes a section of
its own numbered «<parent>-<n>», titled by the line before it; the diagrams' labels between
tables are left out.

The beneficiary-relations policy (seed 003) has a header (document number, version, last
update, prepared / reviewed / approved by) and unnumbered headings ending with a colon: its
sections are numbered in order."""

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from core.text import normalize_digits

TEXTS = Path(__file__).resolve().parent / "texts"

TABLE_HEADER = ("الرقم", "المسؤول", "العملية", "المدة الزمنية", "المخرج")

ARABIC_MONTHS = {
    "يناير": 1,
    "فبراير": 2,
    "مارس": 3,
    "أبريل": 4,
    "ابريل": 4,
    "مايو": 5,
    "يونيو": 6,
    "يوليو": 7,
    "أغسطس": 8,
    "اغسطس": 8,
    "سبتمبر": 9,
    "أكتوبر": 10,
    "اكتوبر": 10,
    "نوفمبر": 11,
    "ديسمبر": 12,
}


@dataclass
class ParsedStep:
    number: int
    responsible: str
    process: str
    duration_text: str
    output: str
    duration_value: int | None = None
    duration_unit: str = "unspecified"


@dataclass
class ParsedSection:
    number: str
    title: str
    depth: int
    parent_number: str = ""
    lines: list[str] = field(default_factory=list)
    steps: list[ParsedStep] = field(default_factory=list)
    is_procedure: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()


@dataclass
class ParsedDocument:
    key: str
    title: str
    number: str = ""
    serial: int = 1
    issued_on: date | None = None
    updated_on: date | None = None
    issue_label: str = ""
    prepared_by: str = ""
    reviewed_by: str = ""
    approved_by: str = ""
    approval_note: str = ""
    sections: list[ParsedSection] = field(default_factory=list)

    def section(self, number: str) -> ParsedSection:
        return next(section for section in self.sections if section.number == number)


# --- durations -------------------------------------------------------------------------------

_NUMBER_WORDS = {"أسبوعين": 2, "اسبوعين": 2, "يومين": 2, "شهرين": 2}


def parse_duration(text: str) -> tuple[int | None, str]:
    """(value, unit) of a duration as the procedure tables write it. The first alternative
    counts («شهري / حسب الحاجة» is monthly); a range counts by its upper bound («أسبوع إلى
    أسبوعين» is 2 weeks). What cannot be read is "unspecified" (the text is kept)."""
    plain = normalize_digits(text).strip()
    if not plain:
        return None, "unspecified"
    first = plain.split("/")[0].strip()
    if "حسب الحاجة" in first or "عند الحاجة" in first:
        return None, "as_needed"
    if first.startswith("فور"):
        return None, "immediate"
    if first.startswith("يومي"):
        return None, "daily"
    if first.startswith("أسبوعي") or first.startswith("اسبوعي"):
        return 1, "weeks"
    if first.startswith("شهري"):
        return 1, "months"
    if first.startswith("نصف سنوي"):
        return 6, "months"
    if first.startswith("سنوي"):
        return 12, "months"
    numbers = [int(n) for n in re.findall(r"\d+", first)]
    numbers += [value for word, value in _NUMBER_WORDS.items() if word in first]
    value = max(numbers) if numbers else 1
    if "عمل" in first and ("يوم" in first or "أيام" in first or "ايام" in first):
        return value, "working_days"
    if "يوم" in first or "أيام" in first or "ايام" in first:
        return value, "days"
    if "أسبوع" in first or "اسبوع" in first or "أسابيع" in first:
        return value, "weeks"
    if "شهر" in first or "أشهر" in first:
        return value, "months"
    return None, "unspecified"


# --- seed 000: the CRM policies-and-procedures manual ---------------------------------------

_TOP = re.compile(r"^(\d+)\.\s+(.+?)$")
_SECOND = re.compile(r"^(\d+)[.,](\d+)\s+(.+)$")
_CLAUSE = re.compile(r"^(?:-\s*)?(\d+)[.,](\d+)[.,](\d+)\s+(.+)$")
_TOC_LINE = re.compile(r"^\d+\t(.+?)\.{3,}$")
_ROW = re.compile(r"^(\d+)\.?$")


def _clean_title(title: str) -> str:
    return title.strip().rstrip(":").strip()


def _toc_tops(lines: list[str]) -> set[tuple[str, str]]:
    tops = set()
    for line in lines:
        match = _TOC_LINE.match(line)
        if match:
            top = _TOP.match(match.group(1))
            if top:
                tops.add((top.group(1), _clean_title(top.group(2))))
    return tops


def _is_procedure_parent(section: ParsedSection) -> bool:
    return section.title in ("الإجراءات", "الاجراءات")


def parse_crm_manual(text: str) -> ParsedDocument:
    raw_lines = [line.rstrip() for line in text.splitlines()]
    # Numbers are matched on ASCII digits; the text is kept as written (same offsets: the
    # digits are replaced one for one).
    lines = [normalize_digits(line) for line in raw_lines]
    tops = _toc_tops(lines)
    document = ParsedDocument(key="crm", title="دليل السياسات والإجراءات - إدارة علاقات العملاء")
    issue = re.search(r"تاريخ الإصدار:\s*(\S+)\s+(\d{4})", "\n".join(lines))
    if issue and issue.group(1) in ARABIC_MONTHS:
        document.issued_on = date(int(issue.group(2)), ARABIC_MONTHS[issue.group(1)], 1)
        document.issue_label = f"{issue.group(1)} {issue.group(2)} النسخة النهائية"
    # The approval table: the reviewer is the CRM department's manager; 1.5.1: the
    # sub-council secretary approves.
    document.reviewed_by = "مدير إدارة علاقات العملاء"
    document.approved_by = "أمين المجلس الفرعي"
    document.prepared_by = "إدارة علاقات العملاء"

    top: ParsedSection | None = None
    second: ParsedSection | None = None
    current: ParsedSection | None = None
    procedure_parent: ParsedSection | None = None
    tables = 0
    started = False
    pending_title = ""
    in_table = False

    def add(section: ParsedSection) -> ParsedSection:
        document.sections.append(section)
        return section

    for index, normalized in enumerate(lines):
        line = normalized.strip()
        if not line:
            continue
        written = raw_lines[index].strip()
        if _TOC_LINE.match(line):
            continue
        top_match = _TOP.match(line)
        if top_match and (top_match.group(1), _clean_title(top_match.group(2))) in tops:
            started = True
            top = add(ParsedSection(top_match.group(1), _clean_title(top_match.group(2)), 1))
            second = None
            current = top
            procedure_parent = top if _is_procedure_parent(top) else None
            tables = 0
            in_table = False
            pending_title = ""
            continue
        if not started or top is None:
            continue
        second_match = _SECOND.match(line)
        if second_match and second_match.group(2) == top.number:
            number = f"{second_match.group(2)}.{second_match.group(1)}"
            title = written[second_match.start(3) :]
            second = add(ParsedSection(number, _clean_title(title), 2, top.number))
            current = second
            procedure_parent = second if _is_procedure_parent(second) else None
            tables = 0
            in_table = False
            pending_title = ""
            continue
        clause_match = _CLAUSE.match(line)
        if clause_match and second is not None:
            first, middle, last = clause_match.group(1, 2, 3)
            # Mostly written right to left («٦.١.٥» is 5.1.6); 1.8–1.10 write the clause last
            # («٨.١.١» is 1.8.1).
            parts = (last, middle, first)
            if f"{last}.{middle}" != second.number:
                parts = (middle, first, last)
            if f"{parts[0]}.{parts[1]}" == second.number:
                clause = written[clause_match.start(4) :]
                current = add(ParsedSection(".".join(parts), "", 3, second.number, [clause]))
                in_table = False
                continue
        cells = [cell.strip() for cell in line.split("\t")]
        if tuple(cells) == TABLE_HEADER:
            if not in_table:
                parent = procedure_parent or current or top
                tables += 1
                current = add(
                    ParsedSection(
                        f"{parent.number}-{tables}",
                        pending_title or parent.title,
                        parent.depth + 1,
                        parent.number,
                        is_procedure=True,
                    )
                )
                in_table = True
            continue
        row = _ROW.match(cells[0]) if len(cells) == 5 else None
        if row and current is not None and current.is_procedure:
            value, unit = parse_duration(cells[3])
            kept = [cell.strip() for cell in written.split("\t")]
            current.steps.append(
                ParsedStep(int(row.group(1)), kept[1], kept[2], kept[3], kept[4], value, unit)
            )
            continue
        if procedure_parent is not None:
            # Between tables: a table's title is the line just before its header; the
            # diagrams' labels are left out.
            following = next((n.strip() for n in lines[index + 1 :] if n.strip()), "")
            if tuple(c.strip() for c in following.split("\t")) == TABLE_HEADER:
                pending_title = _clean_title(written)
                in_table = False
            elif current is procedure_parent and not in_table and not current.steps:
                current.lines.append(written)
            continue
        if current is not None:
            current.lines.append(written)
    return document


# --- seed 003: the beneficiary-relations policy ----------------------------------------------

_HEADING_003 = re.compile(r"^(.+?)\s*:\s*-?\s*$")


def _field(text: str, label: str) -> str:
    match = re.search(label + r"\s*:\s*([^\t\n]+)", text)
    return match.group(1).strip() if match else ""


def parse_beneficiary_policy(text: str) -> ParsedDocument:
    plain = normalize_digits(text)
    document = ParsedDocument(
        key="beneficiary-relations",
        title=_field(plain, "عنوان الوثيقة"),
        number=_field(plain, "رقم الوثيقة"),
        serial=int(_field(plain, "رقم النسخة") or 1),
        prepared_by=_field(plain, "إعداد"),
        reviewed_by=_field(plain, "مراجعة"),
        approved_by=_field(plain, "اعتماد"),
    )
    updated = re.search(r"آخر تحديث\s*:\s*(\d{4})/(\d{2})/(\d{2})", plain)
    if updated:
        document.updated_on = date(*(int(part) for part in updated.groups()))
    approved = re.search(r"بتاريخ \((\d+)/(\d+)/(\d{4})", plain)
    if approved:
        day, month, year = (int(part) for part in approved.groups())
        document.issued_on = date(year, month, day)
    body = text.split("_ الفهرس _", 1)[-1]
    current: ParsedSection | None = None
    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            continue
        heading = _HEADING_003.match(line)
        is_heading = (
            heading is not None
            and not line.startswith("-")
            and len(heading.group(1).split()) <= 8
            and "\t" not in line
        ) or line == "اعتماد مجلس الإدارة"
        if is_heading:
            title = heading.group(1) if heading else line
            current = ParsedSection(str(len(document.sections) + 1), title.strip(), 1)
            document.sections.append(current)
            continue
        if current is not None:
            current.lines.append(line)
    if document.sections and document.sections[-1].title == "اعتماد مجلس الإدارة":
        document.approval_note = document.sections[-1].text
    return document


def read_texts() -> list[ParsedDocument]:
    """Both documents shipped with the project, in the order the manual lists them."""
    return [
        parse_crm_manual((TEXTS / "crm_manual.txt").read_text(encoding="utf-8")),
        parse_beneficiary_policy((TEXTS / "beneficiary_relations.txt").read_text(encoding="utf-8")),
    ]
