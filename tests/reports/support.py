"""Shared fixtures of the reports' web, service and task tests: one user per role and a
tiny stand-in document, so that production, review and email are tested without rendering
real PDFs (the documents' own tests render them)."""

import tempfile
from pathlib import Path

import pytest
from django.utils import timezone

from association import roles
from core.pdf import RenderedPdf
from reports import services
from reports.documents.base import BuiltDocument, ReportDocument
from reports.models import ReportType, Trigger
from reports.periods import previous_period
from tests.helpers import user_with

ROLE_OF = {
    "crm": roles.CRM_STAFF,
    "crm_manager": roles.CRM_MANAGER,
    "centres": roles.CENTRES_STAFF,
    "centres_manager": roles.CENTRES_MANAGER,
    "quality": roles.QUALITY_OFFICER,
    "steward": roles.DATA_STEWARD,
    "deputy": roles.DEPUTY_STEWARD,
    "management": roles.MANAGEMENT,
    "planning": roles.PLANNING_DIRECTOR,
    "resources": roles.RESOURCE_DEVELOPMENT,
    "secretary": roles.COUNCIL_SECRETARY,
}

# Which report types each role reads (reports.selectors.READERS), as the tests expect it.
READS = {
    "crm": {ReportType.WEEKLY_OPPORTUNITIES, ReportType.MONTHLY_PERFORMANCE},
    "crm_manager": set(ReportType),
    "centres": {ReportType.MONTHLY_PERFORMANCE},
    "centres_manager": {ReportType.MONTHLY_PERFORMANCE, ReportType.MONTHLY_RECURRING},
    "quality": {ReportType.MONTHLY_PERFORMANCE, ReportType.MONTHLY_RECURRING},
    "steward": set(),
    "deputy": set(),
    "management": set(ReportType),
    "planning": {ReportType.MONTHLY_RECURRING},
    "resources": {ReportType.WEEKLY_OPPORTUNITIES, ReportType.QUARTERLY_CAMPAIGNS},
    "secretary": {ReportType.MONTHLY_PERFORMANCE, ReportType.MONTHLY_RECURRING},
}
PRODUCERS = {"crm", "crm_manager", "centres", "centres_manager", "quality"}
REVIEWERS = {"crm_manager", "centres_manager"}
DECIDERS = {"secretary"}
ARCHIVERS = {"crm", "crm_manager", "centres", "centres_manager", "quality", "planning"}

FAKE_PDF = b"%PDF-1.4\n% a stand-in report\n%%EOF\n"


class FakeDocument(ReportDocument):
    """Builds instantly; records every build so tests can count renderings."""

    builds: list[int] = []
    fail_with = None
    summary_labels = {"total": "Total cases", "within_deadline": "Within the deadline (%)"}

    def build(self, report):
        FakeDocument.builds.append(report.pk)
        if FakeDocument.fail_with is not None:
            raise FakeDocument.fail_with
        handle, name = tempfile.mkstemp(suffix=".xlsx")
        Path(name).write_bytes(b"PK\x03\x04 a stand-in workbook")
        return BuiltDocument(
            pdf=RenderedPdf(content=FAKE_PDF, page_count=3),
            xlsx_path=Path(name),
            summary={"total": 7, "within_deadline": 85.5, "by_kind": {"complaint": 4}},
        )


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def fake_documents(monkeypatch, media_root):
    """reports.documents.document_for returns the stand-in; yields its list of builds."""
    FakeDocument.builds = []
    FakeDocument.fail_with = None
    monkeypatch.setattr("reports.documents.document_for", lambda report_type: FakeDocument())
    yield FakeDocument.builds
    FakeDocument.fail_with = None


@pytest.fixture
def staff(db):
    """One user per role of association.roles, plus a second secretary."""
    crew = {name: user_with(role, name) for name, role in ROLE_OF.items()}
    crew["secretary2"] = user_with(roles.COUNCIL_SECRETARY, "secretary2")
    return crew


def last_period(report_type):
    return previous_period(report_type, timezone.localdate())


def ready_report(report_type=ReportType.MONTHLY_PERFORMANCE, period=None):
    """A produced report (the command line's path: no actor)."""
    start, end = period or last_period(report_type)
    report, _created = services.produce_now(
        report_type=report_type, period_start=start, period_end=end, trigger=Trigger.COMMAND
    )
    return report


def reviewed(report, staff):
    """Both department managers review the report; it goes on to the secretary."""
    services.report_review(
        report=report, actor=staff["crm_manager"], weaknesses="تأخر الرد", follow_up_notes=""
    )
    return services.report_review(
        report=report, actor=staff["centres_manager"], weaknesses="نقص السلال", follow_up_notes=""
    )


def decided(report, staff):
    return services.report_decide(
        report=report, actor=staff["secretary"], decision_notes="نوقشت نقاط الضعف"
    )
