"""The kinds of report: what the production, review and archive machinery needs to know of
each report type, registered by the app that owns its figures.

reports registers its three (ReportsConfig.ready); an app above reports registers its own
from its AppConfig.ready(), so that reports never imports it (docs/ARCHITECTURE.md, section
1). The report type itself stays a choice of `ReportType` (a database value with its label).

    register_report_kind(ReportKind(
        ReportType.QUARTERLY_CAMPAIGNS,
        document="campaigns.report.QuarterlyCampaignsReport",
        readers={roles.MANAGEMENT, roles.CRM_MANAGER},
        period=QUARTER,
    ))
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.module_loading import import_string

from association.roles import Role

if TYPE_CHECKING:
    from .documents.base import ReportDocument

WEEK = "week"  # Sunday to Saturday
MONTH = "month"  # a calendar month
QUARTER = "quarter"  # January-March, April-June, July-September, October-December
PERIODS = (WEEK, MONTH, QUARTER)


@dataclass(frozen=True)
class ReportKind:
    """One report type: `document` is the dotted path of its ReportDocument class (imported
    when a report is built), `readers` the roles that read it (association.roles), `period`
    the span a report covers, `reviewed` whether it goes through the department managers'
    reviews and the sub-council secretary's decision before it is archived (otherwise its
    readers archive it once read)."""

    report_type: str
    document: str
    readers: frozenset[Role] = field(default_factory=frozenset)
    period: str = MONTH
    reviewed: bool = False

    def __post_init__(self) -> None:
        if self.period not in PERIODS:
            raise ValueError(f"Unknown report period {self.period!r}: one of {PERIODS}.")
        object.__setattr__(self, "readers", frozenset(self.readers))

    def build_document(self) -> "ReportDocument":
        document_class = import_string(self.document)
        return document_class()


_KINDS: dict[str, ReportKind] = {}


def register_report_kind(kind: ReportKind) -> ReportKind:
    """Add a report kind (idempotent for the same kind; a different one for the same type
    is a programming error)."""
    from .models import ReportType

    if kind.report_type not in ReportType.values:
        raise ValueError(f"{kind.report_type!r} is not a ReportType: add it there first.")
    known = _KINDS.get(kind.report_type)
    if known is not None and known != kind:
        raise ValueError(f"The report kind {kind.report_type!r} is already registered.")
    _KINDS[kind.report_type] = kind
    return kind


def is_registered(report_type: str) -> bool:
    return report_type in _KINDS


def kind_of(report_type: str) -> ReportKind:
    """The registered kind of `report_type` (KeyError when no app registered it)."""
    return _KINDS[report_type]


def registered_kinds() -> list[ReportKind]:
    """Every registered kind, in the order of ReportType."""
    from .models import ReportType

    return [_KINDS[value] for value in ReportType.values if value in _KINDS]


def types_with_period(period: str) -> set[str]:
    return {kind.report_type for kind in _KINDS.values() if kind.period == period}


def reviewed_types() -> set[str]:
    return {kind.report_type for kind in _KINDS.values() if kind.reviewed}


def types_read_by(user_roles: Iterable[Role]) -> list[str]:
    """The registered report types any of these roles reads, in the order of ReportType."""
    held = set(user_roles)
    return [kind.report_type for kind in registered_kinds() if kind.readers & held]
