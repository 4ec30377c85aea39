"""Sections that apps above reports add to a report document (the monthly performance report
carries the beneficiary support requests of support/): registered by the owning app, read by
the document when it builds its figures, so reports never imports the app.

    register_report_section(ReportSection(
        report_type="monthly_performance",
        key="support_requests",
        template="support/report_section.html",   # a PDF fragment, in the report's layout
        figures=month_figures,                   # (start, end) → the fragment's context
        write_sheet=write_month_sheet,           # (workbook, context) → its XLSX sheet
    ))
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Figures = Callable[[datetime.datetime, datetime.datetime], dict[str, Any]]


@dataclass(frozen=True)
class ReportSection:
    report_type: str
    key: str
    template: str
    figures: Figures
    write_sheet: Callable[[Any, dict[str, Any]], None] | None = None


_sections: list[ReportSection] = []


def register_report_section(section: ReportSection) -> ReportSection:
    if not any(known.key == section.key for known in _sections):
        _sections.append(section)
    return section


def unregister_report_section(key: str) -> None:
    _sections[:] = [section for section in _sections if section.key != key]


def sections_of(report_type: str) -> list[ReportSection]:
    return [section for section in _sections if section.report_type == report_type]


@dataclass(frozen=True)
class BuiltSection:
    """A section's figures for one report: what the PDF includes and the XLSX writes."""

    section: ReportSection
    context: dict[str, Any]

    @property
    def template(self) -> str:
        return self.section.template


def build_sections(
    report_type: str, start: datetime.datetime, end: datetime.datetime
) -> list[BuiltSection]:
    return [
        BuiltSection(section, section.figures(start, end)) for section in sections_of(report_type)
    ]


def write_sheets(workbook: Any, built: list[BuiltSection]) -> None:
    for item in built:
        if item.section.write_sheet is not None:
            item.section.write_sheet(workbook, item.context)
