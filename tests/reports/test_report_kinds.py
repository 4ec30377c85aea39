"""The registry of report kinds (reports.kinds) and the quarter periods (reports.periods):
the apps above reports register their report types; a quarter is January-March, ...,
typed as 2026-Q3 (Arabic-Indic digits too) or as a date or month in it."""

import datetime

import pytest
from django.utils import translation

from association import roles
from reports import kinds, periods
from reports.documents import document_for
from reports.kinds import QUARTER, ReportKind, register_report_kind
from reports.models import Report, ReportType
from reports.periods import PeriodError, parse_period, period_of, previous_period
from reports.selectors import period_title, report_types_for
from tests.helpers import user_with

QUARTERLY = ReportType.QUARTERLY_CAMPAIGNS
TODAY = datetime.date(2026, 12, 6)


def test_every_report_type_is_registered_with_its_period_and_readers():
    assert [kind.report_type for kind in kinds.registered_kinds()] == ReportType.values
    assert kinds.kind_of(ReportType.WEEKLY_OPPORTUNITIES).period == kinds.WEEK
    assert kinds.kind_of(ReportType.MONTHLY_PERFORMANCE).period == kinds.MONTH
    quarterly = kinds.kind_of(QUARTERLY)
    assert quarterly.period == QUARTER
    assert quarterly.readers == {roles.MANAGEMENT, roles.CRM_MANAGER, roles.RESOURCE_DEVELOPMENT}
    assert kinds.reviewed_types() == {ReportType.MONTHLY_PERFORMANCE}


def test_the_registered_document_builds_the_report():
    from campaigns.report import QuarterlyCampaignsReport
    from reports.documents.weekly_opportunities import WeeklyOpportunityReport

    assert isinstance(document_for(QUARTERLY), QuarterlyCampaignsReport)
    assert isinstance(document_for(ReportType.WEEKLY_OPPORTUNITIES), WeeklyOpportunityReport)


def test_registering_again_is_harmless_but_a_different_kind_is_refused():
    kind = kinds.kind_of(QUARTERLY)
    assert register_report_kind(kind) is kind
    with pytest.raises(ValueError, match="already registered"):
        register_report_kind(ReportKind(QUARTERLY, document="x.Y", period=kinds.MONTH))
    with pytest.raises(ValueError, match="not a ReportType"):
        register_report_kind(ReportKind("yearly_everything", document="x.Y"))
    with pytest.raises(ValueError, match="Unknown report period"):
        ReportKind(QUARTERLY, document="x.Y", period="fortnight")


def test_a_quarterly_kind_is_archived_once_read_without_review():
    assert not Report(report_type=QUARTERLY).has_review
    assert Report(report_type=ReportType.MONTHLY_PERFORMANCE).has_review


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "reads"),
    [
        (roles.MANAGEMENT, True),
        (roles.CRM_MANAGER, True),
        (roles.RESOURCE_DEVELOPMENT, True),
        (roles.CRM_STAFF, False),
        (roles.QUALITY_OFFICER, False),
        (roles.COUNCIL_SECRETARY, False),
    ],
)
def test_who_reads_the_quarterly_report(role, reads):
    assert (QUARTERLY in report_types_for(user_with(role, "reader"))) is reads


# --- quarters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "bounds"),
    [
        (datetime.date(2026, 1, 1), (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))),
        (datetime.date(2026, 5, 31), (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))),
        (datetime.date(2026, 9, 30), (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))),
        (datetime.date(2026, 12, 31), (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))),
        (datetime.date(2028, 2, 29), (datetime.date(2028, 1, 1), datetime.date(2028, 3, 31))),
    ],
)
def test_the_quarter_of_a_day(day, bounds):
    assert period_of(QUARTERLY, day) == bounds


@pytest.mark.parametrize(
    ("today", "quarter"),
    [
        (datetime.date(2026, 10, 1), (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))),
        (datetime.date(2026, 12, 6), (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))),
        (datetime.date(2027, 1, 1), (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))),
        (datetime.date(2026, 3, 31), (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))),
    ],
)
def test_the_quarter_just_ended(today, quarter):
    assert previous_period(QUARTERLY, today) == quarter


def test_the_other_periods_are_unchanged():
    assert previous_period(ReportType.MONTHLY_PERFORMANCE, TODAY) == (
        datetime.date(2026, 11, 1),
        datetime.date(2026, 11, 30),
    )
    # The week from Sunday to Saturday.
    assert previous_period(ReportType.WEEKLY_OPPORTUNITIES, TODAY) == (
        datetime.date(2026, 11, 29),
        datetime.date(2026, 12, 5),
    )


Q3 = (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))


@pytest.mark.parametrize(
    "text",
    [
        "2026-Q3",
        "2026-q3",
        " 2026 Q3 ",
        "2026Q3",
        "Q3-2026",
        "2026-3Q",
        "٢٠٢٦-Q٣",
        "۲۰۲۶-Q۳",
        "2026-08",
        "2026-09-30",
        "٢٠٢٦-٠٧-٠١",
    ],
)
def test_a_quarter_is_typed_as_year_and_quarter_or_a_date_in_it(text):
    assert parse_period(QUARTERLY, text, TODAY) == Q3


@pytest.mark.parametrize("text", ["", "2026-Q5", "2026-Q0", "Q3", "الربع الثالث", "2026-13", "x"])
def test_a_quarter_that_cannot_be_read_is_refused_with_a_message(text):
    with translation.override("en"), pytest.raises(PeriodError, match="2026-Q3"):
        parse_period(QUARTERLY, text, TODAY)


def test_a_quarter_not_yet_ended_is_refused():
    with translation.override("en"), pytest.raises(PeriodError, match="has ended"):
        parse_period(QUARTERLY, "2026-Q4", TODAY)


def test_a_month_report_still_reads_a_month_not_a_quarter():
    with pytest.raises(PeriodError):
        parse_period(ReportType.MONTHLY_PERFORMANCE, "2026-Q3", TODAY)


def test_the_quarter_title_in_arabic():
    report = Report(report_type=QUARTERLY, period_start=Q3[0], period_end=Q3[1])
    with translation.override("ar"):
        assert period_title(report) == "الربع الثالث 2026"
        assert periods.quarter_title(datetime.date(2027, 1, 1)) == "الربع الأول 2027"
    with translation.override("en"):
        assert period_title(report) == "The third quarter of 2026"
    assert periods.quarter_code(Q3[0]) == "2026-Q3"
    # A month is still its month's name, not a quarter.
    month = Report(
        report_type=ReportType.MONTHLY_PERFORMANCE,
        period_start=datetime.date(2026, 7, 1),
        period_end=datetime.date(2026, 7, 31),
    )
    with translation.override("en"):
        assert period_title(month) == "July 2026"
