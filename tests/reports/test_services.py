"""Production and review of reports (reports.services): one report per type and period
whatever the number of runs, failed runs kept with their error and retried, the periods,
the review workflow with its working-day deadlines and the concurrent secretaries."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone, translation

from association.models import PublicHoliday
from reports import selectors, services
from reports.models import Report, ReportTransition, ReportType, ReviewState, RunStatus, Trigger
from reports.periods import PeriodError, parse_period, period_of, previous_period
from tests.concurrency import run_together
from tests.conftest import skip_or_fail

from . import support
from .support import FAKE_PDF, FakeDocument, decided, last_period, ready_report, reviewed

# Fixtures shared by the reports' tests.
fake_documents = support.fake_documents
media_root = support.media_root
staff = support.staff

pytestmark = pytest.mark.django_db

MONTHLY = ReportType.MONTHLY_PERFORMANCE
WEEKLY = ReportType.WEEKLY_OPPORTUNITIES
RECURRING = ReportType.MONTHLY_RECURRING
RIYADH = datetime.timezone(datetime.timedelta(hours=3))


# --- periods ------------------------------------------------------------------------------


def test_a_week_runs_from_sunday_to_saturday():
    wednesday = datetime.date(2026, 11, 18)
    assert period_of(WEEKLY, wednesday) == (
        datetime.date(2026, 11, 15),
        datetime.date(2026, 11, 21),
    )
    sunday, saturday = datetime.date(2026, 11, 15), datetime.date(2026, 11, 21)
    assert period_of(WEEKLY, sunday)[0] == sunday
    assert period_of(WEEKLY, saturday) == (sunday, saturday)


def test_the_schedule_produces_the_period_just_ended():
    # The weekly run on Sunday: the week that ended yesterday.
    assert previous_period(WEEKLY, datetime.date(2026, 11, 22)) == (
        datetime.date(2026, 11, 15),
        datetime.date(2026, 11, 21),
    )
    # The monthly run on the 1st: the month just ended (a leap February, a new year).
    assert previous_period(MONTHLY, datetime.date(2028, 3, 1)) == (
        datetime.date(2028, 2, 1),
        datetime.date(2028, 2, 29),
    )
    assert previous_period(RECURRING, datetime.date(2027, 1, 1)) == (
        datetime.date(2026, 12, 1),
        datetime.date(2026, 12, 31),
    )


def test_periods_typed_in_arabic_indic_digits():
    today = datetime.date(2026, 12, 5)
    assert parse_period(MONTHLY, "٢٠٢٦-١٠", today) == (
        datetime.date(2026, 10, 1),
        datetime.date(2026, 10, 31),
    )
    assert parse_period(WEEKLY, "٢٠٢٦-١١-١٨", today) == (
        datetime.date(2026, 11, 15),
        datetime.date(2026, 11, 21),
    )


@pytest.mark.parametrize("text", ["2026-12", "2027-01", "2026-12-05", "2026-12-01"])
def test_a_period_that_has_not_ended_is_refused(text):
    with translation.override("en"), pytest.raises(PeriodError, match="has ended"):
        parse_period(MONTHLY if len(text) == 7 else WEEKLY, text, datetime.date(2026, 12, 5))


@pytest.mark.parametrize("text", ["", "October", "2026-13", "2026-02-30", "١٠/٢٠٢٦"])
def test_a_period_that_cannot_be_read_is_refused(text):
    with pytest.raises(PeriodError):
        parse_period(MONTHLY, text, datetime.date(2026, 12, 5))


def test_request_refuses_a_future_period(staff):
    start, end = period_of(MONTHLY, timezone.localdate())
    with translation.override("en"), pytest.raises(services.ReportError, match="has ended"):
        services.request_report(
            report_type=MONTHLY,
            period_start=start,
            period_end=end,
            trigger=Trigger.WEB,
            actor=staff["crm"],
        )
    assert not Report.objects.exists()


# --- produced once ------------------------------------------------------------------------


def test_request_twice_finds_the_same_report(staff):
    start, end = last_period(MONTHLY)
    first, created = services.request_report(
        report_type=MONTHLY,
        period_start=start,
        period_end=end,
        trigger=Trigger.WEB,
        actor=staff["crm"],
    )
    again, created_again = services.request_report(
        report_type=MONTHLY, period_start=start, period_end=end, trigger=Trigger.SCHEDULE
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Report.objects.count() == 1
    assert again.trigger == Trigger.WEB and again.requested_by == staff["crm"]


def test_produce_twice_renders_once(fake_documents, media_root):
    start, end = last_period(MONTHLY)
    report, _created = services.request_report(
        report_type=MONTHLY, period_start=start, period_end=end, trigger=Trigger.SCHEDULE
    )
    services.produce(report.pk)
    services.produce(report.pk)
    report.refresh_from_db()
    assert fake_documents == [report.pk]
    assert report.status == RunStatus.READY
    assert report.attempts == 1
    assert report.page_count == 3
    assert report.summary["total"] == 7
    assert report.pdf.read() == FAKE_PDF
    files = sorted(path.name for path in media_root.rglob("*") if path.is_file())
    assert files == [
        f"monthly_performance-{start:%Y-%m-%d}.pdf",
        f"monthly_performance-{start:%Y-%m-%d}.xlsx",
    ]
    assert list(report.transitions.values_list("source", "target")) == [
        (RunStatus.QUEUED, RunStatus.RUNNING),
        (RunStatus.RUNNING, RunStatus.READY),
    ]


def test_produce_now_twice_makes_one_report(fake_documents):
    first = ready_report(WEEKLY)
    second = ready_report(WEEKLY)
    assert first.pk == second.pk
    assert Report.objects.count() == 1
    assert len(fake_documents) == 1
    assert second.review_due_at is None  # the weekly report has no review


def test_the_monthly_report_gets_its_review_deadline(fake_documents):
    report = ready_report(MONTHLY)
    assert report.review_due_at is not None
    assert selectors.current_due(report) == report.review_due_at


# --- failures -----------------------------------------------------------------------------


def test_a_failed_run_keeps_its_error_and_can_be_retried(fake_documents, staff, media_root):
    FakeDocument.fail_with = RuntimeError("الخط غير موجود")
    start, end = last_period(MONTHLY)
    report, _created = services.request_report(
        report_type=MONTHLY,
        period_start=start,
        period_end=end,
        trigger=Trigger.WEB,
        actor=staff["crm"],
    )
    with pytest.raises(RuntimeError):
        services.produce(report.pk)
    report.refresh_from_db()
    assert report.status == RunStatus.FAILED
    assert report.error == "RuntimeError: الخط غير موجود"
    assert report.attempts == 1 and report.finished_at is not None
    assert not report.pdf and not list(media_root.rglob("*.pdf"))
    # A failed report is not produced again by a second request or a duplicate beat.
    services.produce(report.pk)
    assert len(fake_documents) == 1

    FakeDocument.fail_with = None
    services.retry_report(report=report, actor=staff["crm"])
    assert report.status == RunStatus.QUEUED and report.error == ""
    services.produce(report.pk)
    report.refresh_from_db()
    assert report.status == RunStatus.READY
    assert report.attempts == 2
    assert Report.objects.count() == 1
    assert list(report.transitions.values_list("target", flat=True)) == [
        RunStatus.RUNNING,
        RunStatus.FAILED,
        RunStatus.QUEUED,
        RunStatus.RUNNING,
        RunStatus.READY,
    ]


def test_storage_failure_fails_the_run_instead_of_leaving_it_running(fake_documents, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(services, "_store_files", full_disk)
    start, end = last_period(WEEKLY)
    report, _created = services.request_report(
        report_type=WEEKLY, period_start=start, period_end=end, trigger=Trigger.SCHEDULE
    )
    with pytest.raises(OSError):
        services.produce(report.pk)
    report.refresh_from_db()
    assert report.status == RunStatus.FAILED
    assert "No space left" in report.error


def test_only_a_failed_report_is_retried(fake_documents, staff):
    report = ready_report(MONTHLY)
    with pytest.raises(services.ReportError):
        services.retry_report(report=report, actor=staff["crm"])


def test_a_run_whose_worker_died_can_be_retried(fake_documents, staff):
    start, end = last_period(WEEKLY)
    report, _created = services.request_report(
        report_type=WEEKLY, period_start=start, period_end=end, trigger=Trigger.SCHEDULE
    )
    report.start()
    report.started_at = timezone.now() - datetime.timedelta(minutes=10)
    report.save()
    # Still within the time a real run may take: left alone.
    assert "retry" not in services.available_actions(report, staff["crm"])
    with pytest.raises(services.ReportError):
        services.retry_report(report=report, actor=staff["crm"])
    Report.objects.filter(pk=report.pk).update(
        started_at=timezone.now() - services.STALLED_AFTER - datetime.timedelta(minutes=1)
    )
    report.refresh_from_db()
    assert "retry" in services.available_actions(report, staff["crm"])
    services.retry_report(report=report, actor=staff["crm"])
    assert report.status == RunStatus.QUEUED
    services.produce(report.pk)
    report.refresh_from_db()
    assert report.status == RunStatus.READY
    assert list(report.transitions.values_list("target", flat=True)) == [
        RunStatus.FAILED,
        RunStatus.QUEUED,
        RunStatus.RUNNING,
        RunStatus.READY,
    ]


def test_produce_now_retries_a_failed_report(fake_documents):
    FakeDocument.fail_with = ValueError("boom")
    with pytest.raises(ValueError):
        ready_report(RECURRING)
    FakeDocument.fail_with = None
    report = ready_report(RECURRING)
    assert report.status == RunStatus.READY and report.attempts == 2


# --- who may do what ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "report_type"),
    [
        ("secretary", MONTHLY),  # reads it but does not produce
        ("management", WEEKLY),
        ("resources", WEEKLY),
        ("steward", MONTHLY),
        ("planning", RECURRING),
        ("centres", WEEKLY),  # produces, but not a type centres staff read
        ("crm", RECURRING),
    ],
)
def test_request_needs_the_permission_and_the_type(staff, who, report_type):
    start, end = last_period(report_type)
    with pytest.raises(PermissionDenied):
        services.request_report(
            report_type=report_type,
            period_start=start,
            period_end=end,
            trigger=Trigger.WEB,
            actor=staff[who],
        )


def test_review_steps_need_their_role(fake_documents, staff):
    report = ready_report(MONTHLY)
    for who in ("centres", "crm", "quality", "secretary", "management"):
        with pytest.raises(PermissionDenied):
            services.report_review(
                report=report, actor=staff[who], weaknesses="ضعف", follow_up_notes=""
            )
    reviewed(report, staff)
    for who in ("crm_manager", "centres_manager", "crm", "management"):
        with pytest.raises(PermissionDenied):
            services.report_decide(report=report, actor=staff[who], decision_notes="قرار")
    decided(report, staff)
    for who in ("secretary", "management", "resources"):
        with pytest.raises(PermissionDenied):
            services.report_archive(report=report, actor=staff[who])
    services.report_archive(report=report, actor=staff["centres"])
    assert report.review_state == ReviewState.ARCHIVED


def test_an_archiver_of_another_report_type_is_refused(fake_documents, staff):
    weekly = ready_report(WEEKLY)
    with pytest.raises(PermissionDenied):
        services.report_archive(report=weekly, actor=staff["planning"])  # reads recurring only
    recurring = ready_report(RECURRING)
    services.report_archive(report=recurring, actor=staff["planning"])
    assert recurring.review_state == ReviewState.ARCHIVED


# --- the review workflow ------------------------------------------------------------------


def test_steps_in_order_with_their_messages(fake_documents, staff):
    report = ready_report(MONTHLY)
    with translation.override("en"):
        with pytest.raises(services.ReportError, match="no longer at this step"):
            services.report_decide(report=report, actor=staff["secretary"], decision_notes="x")
        with pytest.raises(services.ReportError, match="weak points"):
            services.report_review(
                report=report, actor=staff["crm_manager"], weaknesses="  ", follow_up_notes=""
            )
        reviewed(report, staff)
        with pytest.raises(services.ReportError, match="no longer at this step"):
            reviewed(report, staff)
        with pytest.raises(services.ReportError, match="discussion"):
            services.report_decide(report=report, actor=staff["secretary"], decision_notes="")
    assert report.review_state == ReviewState.REVIEWED


def test_weekly_and_recurring_reports_are_archived_once_read(fake_documents, staff):
    weekly = ready_report(WEEKLY)
    with pytest.raises(services.ReportError):
        services.report_review(
            report=weekly, actor=staff["crm_manager"], weaknesses="ضعف", follow_up_notes=""
        )
    services.report_archive(report=weekly, actor=staff["crm_manager"])
    weekly.refresh_from_db()
    assert weekly.review_state == ReviewState.ARCHIVED
    assert weekly.archived_by == staff["crm_manager"]
    assert weekly.transitions.filter(source=ReviewState.PREPARED).count() == 1


def test_a_report_not_ready_cannot_be_reviewed_or_archived(staff):
    start, end = last_period(MONTHLY)
    report, _created = services.request_report(
        report_type=MONTHLY, period_start=start, period_end=end, trigger=Trigger.SCHEDULE
    )
    with pytest.raises(services.ReportError):
        reviewed(report, staff)
    weekly, _created = services.request_report(
        report_type=WEEKLY,
        period_start=last_period(WEEKLY)[0],
        period_end=last_period(WEEKLY)[1],
        trigger=Trigger.SCHEDULE,
    )
    with pytest.raises(services.ReportError):
        services.report_archive(report=weekly, actor=staff["crm"])


class FrozenClock:
    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def at(self, *args):
        moment = datetime.datetime(*args, tzinfo=RIYADH)
        self.monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment


def end_of_day(year, month, day):
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date(year, month, day), datetime.time.max)
    )


def test_deadlines_count_working_days_and_holidays(fake_documents, staff, monkeypatch):
    """REVIEW 5 (a working week: both managers' monthly review), DECISION 3, ARCHIVE 1
    working days: Friday and Saturday are off, and so is a public holiday."""
    PublicHoliday.objects.create(
        name="إجازة", start_date=datetime.date(2026, 11, 15), end_date=datetime.date(2026, 11, 15)
    )
    clock = FrozenClock(monkeypatch)
    clock.at(2026, 11, 12, 10, 0)  # Thursday
    report = ready_report(MONTHLY, (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)))
    # Fri 13, Sat 14 weekend; Sun 15 holiday; Mon 16 (1) ... Thu 19 (4), Sun 22 (5).
    assert report.review_due_at == end_of_day(2026, 11, 22)
    assert not selectors.is_overdue(report, datetime.datetime(2026, 11, 22, 20, 0, tzinfo=RIYADH))
    assert selectors.is_overdue(report, datetime.datetime(2026, 11, 23, 8, 0, tzinfo=RIYADH))

    clock.at(2026, 11, 18, 9, 0)  # Wednesday
    reviewed(report, staff)
    # Thu 19 (1), Sun 22 (2), Mon 23 (3).
    assert report.decision_due_at == end_of_day(2026, 11, 23)
    assert selectors.current_due(report) == report.decision_due_at

    clock.at(2026, 11, 19, 13, 0)  # Thursday
    decided(report, staff)
    assert report.archive_due_at == end_of_day(2026, 11, 22)  # Sunday
    clock.at(2026, 11, 22, 9, 0)
    services.report_archive(report=report, actor=staff["crm"])
    assert selectors.current_due(report) is None
    assert report.archived_at == datetime.datetime(2026, 11, 22, 9, 0, tzinfo=RIYADH)
    trail = list(
        ReportTransition.objects.filter(report=report, source__in=ReviewState.values).values_list(
            "source", "target", "actor__username"
        )
    )
    assert trail == [
        (ReviewState.PREPARED, ReviewState.PREPARED, "crm_manager"),
        (ReviewState.PREPARED, ReviewState.PREPARED, "centres_manager"),
        (ReviewState.PREPARED, ReviewState.REVIEWED, "centres_manager"),
        (ReviewState.REVIEWED, ReviewState.DECIDED, "secretary"),
        (ReviewState.DECIDED, ReviewState.ARCHIVED, "crm"),
    ]


def test_awaiting_lists_each_role_s_step(fake_documents, staff):
    monthly = ready_report(MONTHLY)
    weekly = ready_report(WEEKLY)

    def waiting(who):
        return set(selectors.awaiting(staff[who]))

    assert waiting("crm_manager") == {monthly, weekly}  # review the monthly, archive the weekly
    assert waiting("centres_manager") == {monthly}
    assert waiting("secretary") == set()
    assert waiting("crm") == {weekly}
    assert waiting("resources") == set()
    reviewed(monthly, staff)
    assert waiting("secretary") == {monthly}
    assert waiting("centres_manager") == set()
    decided(monthly, staff)
    assert waiting("secretary") == set()
    assert monthly in waiting("centres")


# --- two secretaries at once (PostgreSQL) ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_secretaries_deciding_at_once_one_wins(fake_documents, staff):
    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent transactions need PostgreSQL (SQLite serialises writers)")
    report = ready_report(MONTHLY)
    reviewed(report, staff)

    def decide(who):
        def job():
            with translation.override("en"):
                return services.report_decide(
                    report=Report.objects.get(pk=report.pk),
                    actor=staff[who],
                    decision_notes=f"قرار {who}",
                )

        return job

    outcomes = run_together(decide("secretary"), decide("secretary2"))
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, services.ReportError)
    assert "at the same moment" in str(error) or "no longer at this step" in str(error)
    report.refresh_from_db()
    assert report.review_state == ReviewState.DECIDED
    assert report.transitions.filter(target=ReviewState.DECIDED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_on_the_same_report_render_it_once(fake_documents):
    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent transactions need PostgreSQL (SQLite serialises writers)")
    start, end = last_period(WEEKLY)
    report, _created = services.request_report(
        report_type=WEEKLY, period_start=start, period_end=end, trigger=Trigger.SCHEDULE
    )
    outcomes = run_together(
        lambda: services.produce(report.pk), lambda: services.produce(report.pk)
    )
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    assert fake_documents == [report.pk]
    report.refresh_from_db()
    assert report.status == RunStatus.READY


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_create_one_report(staff):
    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent transactions need PostgreSQL (SQLite serialises writers)")
    start, end = last_period(MONTHLY)

    def request():
        return services.request_report(
            report_type=MONTHLY, period_start=start, period_end=end, trigger=Trigger.SCHEDULE
        )

    outcomes = run_together(request, request, request)
    assert [kind for kind, _ in outcomes] == ["ok", "ok", "ok"], outcomes
    assert sorted(created for _kind, (_report, created) in outcomes) == [False, False, True]
    assert Report.objects.count() == 1
