"""The reports pages: who sees and does what (every role and the anonymous visitor), the
production from the web page with its progress, the downloads, the archive list, the review
steps and the recommendations on the report page, my work, the navigation and the admin."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header

from complaints import recommendations as recs
from complaints.models import Implementation, Recommendation, RecommendationDecision
from core.mywork import work_sections_for
from core.navigation import navigation_for
from reports import services
from reports.models import (
    Report,
    ReportRecipient,
    ReportType,
    ReviewState,
    RunStatus,
    Trigger,
    VisualIdentity,
)
from reports.periods import period_of

from . import support
from .support import (
    ARCHIVERS,
    DECIDERS,
    FAKE_PDF,
    PRODUCERS,
    READS,
    REVIEWERS,
    ROLE_OF,
    FakeDocument,
    decided,
    last_period,
    ready_report,
    reviewed,
)

fake_documents = support.fake_documents
media_root = support.media_root
staff = support.staff

pytestmark = pytest.mark.django_db

MONTHLY = ReportType.MONTHLY_PERFORMANCE
WEEKLY = ReportType.WEEKLY_OPPORTUNITIES
RECURRING = ReportType.MONTHLY_RECURRING
ROLES = sorted(ROLE_OF)
NO_REPORTS = {"steward", "deputy"}  # no reports.view_report


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def texts(client, response):
    """The messages of a redirected action; following the redirect shows (and so clears)
    them for the next action."""
    found = [str(message) for message in get_messages(response.wsgi_request)]
    if response.status_code == 302:
        client.get(response["Location"])
    return found


def detail_url(report):
    return reverse("reports:detail", args=[report.pk])


@pytest.fixture
def reports(fake_documents):
    """One ready report of each type, for last period."""
    return {report_type: ready_report(report_type) for report_type in ReportType}


# --- the permission matrix ------------------------------------------------------------------

REPORT_VIEWS = ["reports:detail", "reports:status", "reports:pdf", "reports:xlsx"]
POST_VIEWS = [
    "reports:retry",
    "reports:review",
    "reports:decide",
    "reports:archive",
]


@pytest.mark.parametrize("url_name", ["reports:list", "reports:produce"])
def test_anonymous_is_sent_to_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("url_name", REPORT_VIEWS + POST_VIEWS)
def test_anonymous_cannot_reach_a_report(client, reports, url_name):
    report = reports[MONTHLY]
    method = client.post if url_name in POST_VIEWS else client.get
    response = method(reverse(url_name, args=[report.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    report.refresh_from_db()
    assert report.review_state == ReviewState.PREPARED


@pytest.mark.parametrize("who", ROLES)
def test_archive_and_produce_pages_by_role(client, staff, who):
    client.force_login(staff[who])
    assert client.get(reverse("reports:list")).status_code == (403 if who in NO_REPORTS else 200)
    assert client.get(reverse("reports:produce")).status_code == (200 if who in PRODUCERS else 403)


@pytest.mark.parametrize("who", ROLES)
def test_each_role_sees_the_reports_of_its_types_only(client, staff, reports, who):
    client.force_login(staff[who])
    for report_type, report in reports.items():
        if who in NO_REPORTS:
            expected = 403
        elif report_type in READS[who]:
            expected = 200
        else:
            expected = 404
        for url_name in REPORT_VIEWS:
            response = client.get(reverse(url_name, args=[report.pk]))
            assert response.status_code == expected, (who, report_type, url_name)
    if who not in NO_REPORTS:
        listed = {row.report_type for row in client.get(reverse("reports:list")).context["page"]}
        assert listed == READS[who]


def test_the_secretary_reads_the_monthly_reports_but_not_the_weekly(client, staff, reports):
    client.force_login(staff["secretary"])
    assert client.get(detail_url(reports[MONTHLY])).status_code == 200
    assert client.get(detail_url(reports[RECURRING])).status_code == 200
    assert client.get(detail_url(reports[WEEKLY])).status_code == 404


def test_resource_development_reads_the_weekly_report_only(client, staff, reports):
    client.force_login(staff["resources"])
    assert client.get(detail_url(reports[WEEKLY])).status_code == 200
    assert client.get(detail_url(reports[MONTHLY])).status_code == 404
    assert client.get(detail_url(reports[RECURRING])).status_code == 404
    assert client.get(reverse("reports:produce")).status_code == 403


def _expected_for_step(who, report_type, allowed):
    if who in NO_REPORTS:
        return 403
    if report_type not in READS[who]:
        return 404
    return 302 if who in allowed else 403


@pytest.mark.parametrize("who", ROLES)
def test_review_by_role(client, staff, reports, who):
    report = reports[MONTHLY]
    client.force_login(staff[who])
    response = client.post(
        reverse("reports:review", args=[report.pk]), {"weaknesses": "ضعف", "follow_up_notes": ""}
    )
    assert response.status_code == _expected_for_step(who, MONTHLY, REVIEWERS)
    report.refresh_from_db()
    # One department's review: the report waits for the other one's.
    assert report.review_state == ReviewState.PREPARED
    reviewers = list(report.department_reviews.values_list("reviewer__username", flat=True))
    assert reviewers == ([who] if who in REVIEWERS else [])


@pytest.mark.parametrize("who", ROLES)
def test_decision_by_role(client, staff, reports, who):
    report = reviewed(reports[MONTHLY], staff)
    client.force_login(staff[who])
    response = client.post(reverse("reports:decide", args=[report.pk]), {"decision_notes": "نوقشت"})
    assert response.status_code == _expected_for_step(who, MONTHLY, DECIDERS)
    report.refresh_from_db()
    expected = ReviewState.DECIDED if who in DECIDERS else ReviewState.REVIEWED
    assert report.review_state == expected


@pytest.mark.parametrize("who", ROLES)
def test_archiving_by_role(client, staff, reports, who):
    monthly = decided(reviewed(reports[MONTHLY], staff), staff)
    client.force_login(staff[who])
    for report, report_type, before in (
        (monthly, MONTHLY, ReviewState.DECIDED),
        (reports[WEEKLY], WEEKLY, ReviewState.PREPARED),
        (reports[RECURRING], RECURRING, ReviewState.PREPARED),
    ):
        response = client.post(reverse("reports:archive", args=[report.pk]))
        expected = _expected_for_step(who, report_type, ARCHIVERS)
        assert response.status_code == expected, (who, report_type)
        report.refresh_from_db()
        assert report.review_state == (ReviewState.ARCHIVED if expected == 302 else before)


@pytest.mark.parametrize("who", ROLES)
def test_retry_by_role(client, staff, fake_documents, who, django_capture_on_commit_callbacks):
    FakeDocument.fail_with = RuntimeError("boom")
    with pytest.raises(RuntimeError):
        ready_report(MONTHLY)
    FakeDocument.fail_with = None
    report = Report.objects.get()
    client.force_login(staff[who])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:retry", args=[report.pk]))
    assert response.status_code == _expected_for_step(who, MONTHLY, PRODUCERS)
    report.refresh_from_db()
    assert report.status == (RunStatus.READY if who in PRODUCERS else RunStatus.FAILED)


@pytest.mark.parametrize("url_name", ["reports:list", "reports:detail", "reports:status"])
def test_get_only_views_refuse_post(client, staff, reports, url_name):
    client.force_login(staff["crm_manager"])
    args = [] if url_name == "reports:list" else [reports[MONTHLY].pk]
    assert client.post(reverse(url_name, args=args)).status_code == 405


@pytest.mark.parametrize("url_name", POST_VIEWS)
def test_actions_refuse_get(client, staff, reports, url_name):
    client.force_login(staff["crm_manager"])
    assert client.get(reverse(url_name, args=[reports[MONTHLY].pk])).status_code == 405


# --- production from the web page -----------------------------------------------------------


def produce(client, report_type, **period):
    return client.post(reverse("reports:produce"), {"report_type": report_type, **period})


def test_produce_creates_one_report_and_enqueues_it(
    client, staff, fake_documents, english, django_capture_on_commit_callbacks
):
    start, end = last_period(MONTHLY)
    client.force_login(staff["crm_manager"])
    with django_capture_on_commit_callbacks(execute=True):
        response = produce(client, MONTHLY, month=f"{start:%Y-%m}")
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(report)
    assert texts(client, response) == ["The report is being produced."]
    assert (report.period_start, report.period_end) == (start, end)
    assert report.trigger == Trigger.WEB and report.requested_by == staff["crm_manager"]
    assert report.status == RunStatus.READY  # eager in tests
    assert fake_documents == [report.pk]

    with django_capture_on_commit_callbacks(execute=True):
        response = produce(client, MONTHLY, month=f"{start:%Y-%m}")
    assert response["Location"] == detail_url(report)
    assert texts(client, response) == [
        "This report was already produced for this period. Here it is."
    ]
    assert Report.objects.count() == 1
    assert fake_documents == [report.pk]


def test_produce_shows_progress_while_the_worker_has_not_finished(
    client, staff, fake_documents, english, monkeypatch
):
    sent = []
    monkeypatch.setattr("reports.tasks.enqueue_production", lambda pk: sent.append(pk))
    start, _end = last_period(WEEKLY)
    client.force_login(staff["crm"])
    response = produce(client, WEEKLY, week=(start + datetime.timedelta(days=3)).isoformat())
    report = Report.objects.get()
    assert sent == [report.pk]
    assert report.period_start == start and report.status == RunStatus.QUEUED
    page = client.get(response["Location"])
    assert b'data-testid="progress"' in page.content
    assert reverse("reports:status", args=[report.pk]).encode() in page.content
    assert b'data-testid="pdf"' not in page.content
    status = client.get(reverse("reports:status", args=[report.pk])).json()
    assert status == {
        "status": "queued",
        "label": "Queued",
        "percent": 15,
        "indeterminate": True,
        "done": False,
        "error": "",
    }
    # A second request for the same week while it waits: nothing new, sent again.
    response = produce(client, WEEKLY, week=start.isoformat())
    assert texts(client, response) == ["This report is already being produced."]
    assert Report.objects.count() == 1 and sent == [report.pk, report.pk]

    services.produce(report.pk)
    status = client.get(reverse("reports:status", args=[report.pk])).json()
    assert status["status"] == "ready" and status["done"] and not status["indeterminate"]
    page = client.get(detail_url(report))
    assert b'data-testid="progress"' not in page.content
    assert b'data-testid="pdf"' in page.content


def test_produce_accepts_arabic_indic_digits(
    client, staff, fake_documents, django_capture_on_commit_callbacks
):
    start, _end = last_period(MONTHLY)
    arabic = f"{start:%Y-%m}".translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    client.force_login(staff["quality"])
    with django_capture_on_commit_callbacks(execute=True):
        response = produce(client, MONTHLY, month=arabic)
    assert response.status_code == 302
    assert Report.objects.get().period_start == start


@pytest.mark.parametrize(
    ("report_type", "period", "field", "message"),
    [
        (MONTHLY, {"month": "2999-01"}, "month", "A report covers a period that has ended."),
        (MONTHLY, {"month": ""}, "month", "Choose the period of the report."),
        (MONTHLY, {"month": "October"}, "month", "Write the period as a month"),
        (WEEKLY, {"week": "2999-01-01"}, "week", "A report covers a period that has ended."),
        (WEEKLY, {"month": "2020-01"}, "week", "Choose the period of the report."),
    ],
)
def test_produce_refuses_bad_periods(client, staff, english, report_type, period, field, message):
    client.force_login(staff["crm_manager"])
    response = produce(client, report_type, **period)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Report.objects.exists()


def test_the_current_period_is_refused(client, staff, english):
    client.force_login(staff["crm_manager"])
    start, _end = period_of(MONTHLY, timezone.localdate())
    response = produce(client, MONTHLY, month=f"{start:%Y-%m}")
    assert response.context["form"].errors["month"] == ["A report covers a period that has ended."]


def test_produce_offers_only_the_types_the_user_reads(client, staff, english):
    client.force_login(staff["centres"])
    response = client.get(reverse("reports:produce"))
    choices = [value for value, _label in response.context["form"].fields["report_type"].choices]
    assert choices == [MONTHLY]
    response = produce(client, WEEKLY, week="2020-01-05")
    assert "report_type" in response.context["form"].errors
    assert not Report.objects.exists()


def test_the_produce_page_proposes_last_period(client, staff):
    client.force_login(staff["crm_manager"])
    form = client.get(reverse("reports:produce")).context["form"]
    assert form.initial["month"] == f"{last_period(MONTHLY)[0]:%Y-%m}"
    assert form.initial["week"] == last_period(WEEKLY)[0].isoformat()


def test_a_failed_run_is_shown_with_its_error_and_retried(
    client, staff, fake_documents, english, django_capture_on_commit_callbacks
):
    FakeDocument.fail_with = RuntimeError("Pango is missing")
    start, _end = last_period(MONTHLY)
    client.force_login(staff["crm_manager"])
    with django_capture_on_commit_callbacks(execute=True):
        response = produce(client, MONTHLY, month=f"{start:%Y-%m}")
    report = Report.objects.get()
    assert report.status == RunStatus.FAILED
    page = client.get(response["Location"])
    assert b'data-testid="failed"' in page.content
    assert "RuntimeError: Pango is missing" in page.content.decode()
    assert b'data-testid="retry"' in page.content
    assert client.get(reverse("reports:status", args=[report.pk])).json()["error"] == (
        "RuntimeError: Pango is missing"
    )
    # Those who cannot produce see the error but no retry button.
    client.force_login(staff["secretary"])
    page = client.get(detail_url(report))
    assert b'data-testid="failed"' in page.content and b'data-testid="retry"' not in page.content

    client.force_login(staff["crm_manager"])
    response = produce(client, MONTHLY, month=f"{start:%Y-%m}")
    assert texts(client, response) == [
        "The last run of this report failed. Read the error and retry it below."
    ]
    assert Report.objects.count() == 1
    FakeDocument.fail_with = None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:retry", args=[report.pk]))
    assert texts(client, response) == ["The report is being produced again."]
    report.refresh_from_db()
    assert report.status == RunStatus.READY and report.attempts == 2
    response = client.post(reverse("reports:retry", args=[report.pk]))
    assert texts(client, response) == [
        "This report is no longer at this step. Reload the page to see its status."
    ]


# --- downloads ----------------------------------------------------------------------------


def test_downloads_have_their_type_and_an_arabic_name(client, staff, reports):
    report = reports[MONTHLY]
    client.force_login(staff["secretary"])
    response = client.get(reverse("reports:pdf", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == FAKE_PDF
    with translation.override("ar"):
        name = f"{report.get_report_type_display()} {report.period_start:%Y-%m-%d}"
    assert response["Content-Disposition"] == content_disposition_header(
        as_attachment=False, filename=f"{name}.pdf"
    )
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    response = client.get(reverse("reports:xlsx", args=[report.pk]))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == content_disposition_header(
        as_attachment=True, filename=f"{name}.xlsx"
    )


def test_no_download_before_the_report_is_ready_or_when_its_file_is_gone(client, staff, reports):
    start, end = last_period(MONTHLY)
    older = Report.objects.create(
        report_type=MONTHLY,
        period_start=start.replace(year=start.year - 1),
        period_end=end.replace(year=end.year - 1),
        trigger=Trigger.WEB,
    )
    client.force_login(staff["crm_manager"])
    assert client.get(reverse("reports:pdf", args=[older.pk])).status_code == 404
    reports[WEEKLY].pdf.storage.delete(reports[WEEKLY].pdf.name)
    assert client.get(reverse("reports:pdf", args=[reports[WEEKLY].pk])).status_code == 404


# --- the archive list -----------------------------------------------------------------------


def test_the_secretary_sees_the_reports_awaiting_a_decision_first(client, staff, fake_documents):
    months = []
    first_day = last_period(MONTHLY)[0]
    for _index in range(3):
        months.append(ready_report(MONTHLY, period_of(MONTHLY, first_day)))
        first_day = (first_day - datetime.timedelta(days=1)).replace(day=1)
    oldest = months[-1]
    reviewed(oldest, staff)
    client.force_login(staff["secretary"])
    response = client.get(reverse("reports:list"))
    rows = list(response.context["page"])
    assert rows[0] == oldest and rows[0].awaits_me == 0
    assert rows[1:] == months[:2]
    assert b'data-testid="awaits-me"' in response.content
    # The manager sees the two still to review first.
    client.force_login(staff["crm_manager"])
    rows = list(client.get(reverse("reports:list")).context["page"])
    assert rows[:2] == months[:2] and rows[2] == oldest


def test_overdue_steps_are_marked(client, staff, fake_documents, english):
    report = ready_report(MONTHLY)
    Report.objects.filter(pk=report.pk).update(
        review_due_at=timezone.now() - datetime.timedelta(days=1)
    )
    client.force_login(staff["centres_manager"])
    response = client.get(reverse("reports:list"))
    [row] = response.context["page"]
    assert row.overdue
    assert b"table-danger" in response.content
    page = client.get(detail_url(report))
    assert page.context["overdue"]
    assert b"Overdue since" in page.content


def test_filters_by_type_state_and_year(client, staff, fake_documents):
    monthly = ready_report(MONTHLY)
    weekly = ready_report(WEEKLY)
    old_start = datetime.date(2024, 3, 1)
    old = ready_report(MONTHLY, period_of(MONTHLY, old_start))
    services.report_archive(report=weekly, actor=staff["crm"])
    client.force_login(staff["crm_manager"])

    def listed(**query):
        return set(client.get(reverse("reports:list"), query).context["page"])

    assert listed() == {monthly, weekly, old}
    assert listed(report_type=WEEKLY) == {weekly}
    assert listed(review_state=ReviewState.ARCHIVED) == {weekly}
    assert listed(year=2024) == {old}
    assert listed(report_type=MONTHLY, review_state=ReviewState.PREPARED) == {monthly, old}
    years = client.get(reverse("reports:list")).context["filter_form"].fields["year"].choices
    assert (2024, 2024) in years
    # An unknown value is ignored rather than an error.
    assert listed(report_type="nonsense") == {monthly, weekly, old}


def test_pagination_and_empty_state(client, staff, english):
    client.force_login(staff["crm_manager"])
    response = client.get(reverse("reports:list"))
    assert b'data-testid="empty"' in response.content
    assert b"No reports yet" in response.content
    first_day = datetime.date(2020, 1, 1)
    for _index in range(23):
        start, end = period_of(MONTHLY, first_day)
        Report.objects.create(
            report_type=MONTHLY, period_start=start, period_end=end, trigger=Trigger.SCHEDULE
        )
        first_day = end + datetime.timedelta(days=1)
    response = client.get(reverse("reports:list"))
    assert len(response.context["page"]) == 20
    assert response.context["page"].paginator.num_pages == 2
    assert b"page=2" in response.content
    second = client.get(reverse("reports:list"), {"page": 2})
    assert len(second.context["page"]) == 3
    response = client.get(reverse("reports:list"), {"year": 2020})
    assert len(response.context["page"]) == 12
    assert b"year=2020&amp;page=2" not in response.content
    response = client.get(reverse("reports:list"), {"review_state": ReviewState.ARCHIVED})
    assert b"No reports match these filters." in response.content


# --- the report page and its review ---------------------------------------------------------


def test_the_detail_page_shows_the_run_the_figures_and_the_history(
    client, staff, fake_documents, english, django_capture_on_commit_callbacks
):
    start, _end = last_period(MONTHLY)
    client.force_login(staff["crm_manager"])
    with django_capture_on_commit_callbacks(execute=True):
        produce(client, MONTHLY, month=f"{start:%Y-%m}")
    report = Report.objects.get()
    response = client.get(detail_url(report))
    content = response.content.decode()
    assert response.context["summary_rows"] == [
        ("Total cases", 7),
        ("Within the deadline (%)", 85.5),
    ]
    assert "Web page" in content and staff["crm_manager"].get_full_name() in content
    assert 'data-testid="attempts">1<' in content
    assert len(response.context["transitions"]) == 2
    assert response.context["may_review"] and not response.context["may_decide"]
    assert b'data-testid="review-form"' in response.content
    assert len(response.context["deadlines"]) == 1


def test_review_decide_archive_through_the_pages(client, staff, reports, english):
    report = reports[MONTHLY]
    client.force_login(staff["centres_manager"])
    response = client.post(
        reverse("reports:review", args=[report.pk]), {"weaknesses": "", "follow_up_notes": "كتبت"}
    )
    # The form comes back open, with what was typed and the field's error.
    assert response.status_code == 200
    assert texts(client, response) == ["Please correct the errors below."]
    assert response.context["panel"].primary.open
    assert "كتبت" in response.content.decode()
    assert response.context["panel"].primary.form.errors["weaknesses"] == [
        "This field is required."
    ]
    response = client.post(
        reverse("reports:review", args=[report.pk]),
        {"weaknesses": "تأخر الرد على الشكاوى", "follow_up_notes": "نفذت توصيتان"},
    )
    assert texts(client, response) == [
        "Your department's review was recorded. "
        "The report awaits the other department's review before the secretary."
    ]
    review = report.department_reviews.get()
    assert (review.department, review.reviewer) == ("centres", staff["centres_manager"])
    assert review.weaknesses == "تأخر الرد على الشكاوى"
    response = client.post(reverse("reports:review", args=[report.pk]), {"weaknesses": "مرة ثانية"})
    name = staff["centres_manager"].get_full_name()
    assert texts(client, response) == [
        f"The review of the Centres-affairs department was already recorded by {name}. "
        "Reload the page to see it."
    ]
    assert report.department_reviews.get().weaknesses == "تأخر الرد على الشكاوى"
    client.force_login(staff["crm_manager"])
    response = client.post(
        reverse("reports:review", args=[report.pk]),
        {"weaknesses": "تأخر الرد على المانحين", "follow_up_notes": ""},
    )
    assert texts(client, response) == [
        "Your department's review was recorded. Both departments reviewed the report: "
        "it awaits the secretary."
    ]
    response = client.post(reverse("reports:review", args=[report.pk]), {"weaknesses": "مرة ثانية"})
    assert texts(client, response) == [
        "This report is no longer at this step. Reload the page to see its status."
    ]

    client.force_login(staff["secretary"])
    page = client.get(detail_url(report))
    assert page.context["may_decide"] and b'data-testid="decide-form"' in page.content
    assert "تأخر الرد على الشكاوى" in page.content.decode()
    response = client.post(reverse("reports:decide", args=[report.pk]), {"decision_notes": " "})
    assert response.status_code == 200
    assert texts(client, response) == ["Please correct the errors below."]
    assert response.context["panel"].primary.form.errors["decision_notes"] == [
        "This field is required."
    ]
    response = client.post(
        reverse("reports:decide", args=[report.pk]), {"decision_notes": "اعتماد خطة تحسين"}
    )
    assert texts(client, response) == ["The decisions were recorded; the report is to be archived."]

    client.force_login(staff["crm"])
    page = client.get(detail_url(report))
    assert page.context["may_archive"]
    assert b'data-testid="archive-form"' in page.content
    assert b'data-confirm="' in page.content  # confirmation before archiving (confirm.js)
    response = client.post(reverse("reports:archive", args=[report.pk]))
    assert texts(client, response) == ["The report was archived."]
    report.refresh_from_db()
    assert report.review_state == ReviewState.ARCHIVED
    page = client.get(detail_url(report))
    assert not page.context["may_archive"] and b'data-testid="archived"' in page.content
    assert [row["done_at"] is not None for row in page.context["deadlines"]] == [True] * 3


def test_the_weekly_report_is_archived_by_its_reader(client, staff, reports, english):
    report = reports[WEEKLY]
    client.force_login(staff["crm_manager"])
    page = client.get(detail_url(report))
    assert page.context["may_archive"] and not page.context["may_review"]
    assert page.context["deadlines"] == []
    assert b"Once read, archive the report." in page.content
    client.post(reverse("reports:archive", args=[report.pk]))
    report.refresh_from_db()
    assert report.review_state == ReviewState.ARCHIVED


def test_a_report_in_production_cannot_be_reviewed(client, staff, english):
    start, end = last_period(MONTHLY)
    report = Report.objects.create(
        report_type=MONTHLY, period_start=start, period_end=end, trigger=Trigger.WEB
    )
    client.force_login(staff["crm_manager"])
    page = client.get(detail_url(report))
    assert not page.context["may_review"]
    response = client.post(reverse("reports:review", args=[report.pk]), {"weaknesses": "ضعف"})
    assert texts(client, response) == [
        "This report is no longer at this step. Reload the page to see its status."
    ]


# --- recommendations on the monthly report ------------------------------------------------------


def _raise(staff, text, raised_on, department="crm"):
    recommendation = recs.recommendation_raise(
        actor=staff["crm_manager"],
        text=text,
        department=department,
        owner=staff["crm"],
        due_date=timezone.localdate() + datetime.timedelta(days=10),
    )
    moment = timezone.make_aware(datetime.datetime.combine(raised_on, datetime.time(10, 0)))
    Recommendation.objects.filter(pk=recommendation.pk).update(raised_at=moment)
    recommendation.refresh_from_db()
    return recommendation


@pytest.fixture
def month_recommendations(staff):
    start, _end = last_period(MONTHLY)
    previous_month = (start - datetime.timedelta(days=1)).replace(day=1)
    earlier = (previous_month - datetime.timedelta(days=1)).replace(day=1)
    done = _raise(staff, "توحيد نموذج الرد", previous_month)
    missed = _raise(staff, "تدريب موظفي المراكز", previous_month + datetime.timedelta(days=2))
    for rec in (done, missed):
        recs.recommendation_decide(actor=staff["secretary"], recommendation=rec, approve=True)
    recs.recommendation_record_implementation(
        actor=staff["crm"], recommendation=done, implemented=True
    )
    recs.recommendation_record_implementation(
        actor=staff["crm"], recommendation=missed, implemented=False, note="لم يتوفر المدرب"
    )
    recs.recommendation_record_investigation(
        actor=staff["crm_manager"], recommendation=missed, reasons="تأخر التعاقد مع المدرب"
    )
    return {
        "done": done,
        "missed": missed,
        "new": _raise(staff, "رسائل نصية بعد إغلاق الشكوى", start + datetime.timedelta(days=5)),
        "old_pending": _raise(staff, "توصية قديمة لم يبت فيها", earlier),
        "next_month": _raise(staff, "توصية الشهر الحالي", timezone.localdate()),
    }


def test_the_monthly_report_lists_last_month_s_follow_up_and_this_month_s_recommendations(
    client, staff, reports, month_recommendations, english
):
    report = reports[MONTHLY]
    client.force_login(staff["crm_manager"])
    page = client.get(detail_url(report))
    recommendations = month_recommendations
    assert list(page.context["follow_up"]) == [recommendations["done"], recommendations["missed"]]
    assert set(page.context["period_recommendations"]) == {
        recommendations["new"],
        recommendations["old_pending"],
    }
    content = page.content.decode()
    assert "تأخر التعاقد مع المدرب" in content  # the reasons the investigation found
    assert "لم يتوفر المدرب" in content
    assert (
        reverse("complaints:recommendation_detail", args=[recommendations["missed"].pk]) in content
    )
    assert not page.context["may_decide_recommendations"]
    assert b'data-testid="recommendation-decide"' not in page.content


def test_the_secretary_decides_the_recommendations_from_the_report(
    client, staff, reports, month_recommendations, english
):
    report = reports[MONTHLY]
    new, old = month_recommendations["new"], month_recommendations["old_pending"]
    client.force_login(staff["secretary"])
    page = client.get(detail_url(report))
    assert page.context["may_decide_recommendations"]
    assert page.content.count(b'data-testid="recommendation-decide"') == 2

    url = reverse("reports:recommendation_decide", args=[report.pk, new.pk, "approve"])
    response = client.post(url, {"note": ""})
    assert response["Location"].endswith("#recommendations")
    assert texts(client, response) == ["The recommendation was approved."]
    new.refresh_from_db()
    assert new.decision == RecommendationDecision.APPROVED and new.decided_by == staff["secretary"]

    url = reverse("reports:recommendation_decide", args=[report.pk, old.pk, "reject"])
    response = client.post(url, {"note": ""})
    assert texts(client, response) == ["Write why the recommendation is rejected."]
    response = client.post(url, {"note": "لا تدخل في اختصاص الإدارة"})
    assert texts(client, response) == ["The recommendation was rejected."]
    old.refresh_from_db()
    assert old.decision == RecommendationDecision.REJECTED

    # Decided once: a second click says so; the old one is no longer listed with this month.
    again = reverse("reports:recommendation_decide", args=[report.pk, new.pk, "reject"])
    response = client.post(again, {"note": "مرة ثانية"})
    assert "no longer at this step" in texts(client, response)[0]
    assert client.post(url, {"note": "مرة ثانية"}).status_code == 404
    # A recommendation outside this report's month is not decided from it.
    other = month_recommendations["next_month"]
    url = reverse("reports:recommendation_decide", args=[report.pk, other.pk, "approve"])
    assert client.post(url).status_code == 404
    bad = reverse("reports:recommendation_decide", args=[report.pk, other.pk, "maybe"])
    assert client.post(bad).status_code == 404


@pytest.mark.parametrize("who", ROLES)
def test_recommendation_decisions_by_role(client, staff, reports, month_recommendations, who):
    report = reports[MONTHLY]
    new = month_recommendations["new"]
    client.force_login(staff[who])
    url = reverse("reports:recommendation_decide", args=[report.pk, new.pk, "approve"])
    response = client.post(url)
    assert response.status_code == _expected_for_step(who, MONTHLY, DECIDERS)
    new.refresh_from_db()
    expected = RecommendationDecision.APPROVED if who in DECIDERS else RecommendationDecision.RAISED
    assert new.decision == expected
    assert new.implementation == Implementation.PENDING


def test_recommendations_are_not_decided_from_a_weekly_report(
    client, staff, reports, month_recommendations
):
    client.force_login(staff["secretary"])
    new = month_recommendations["new"]
    url = reverse("reports:recommendation_decide", args=[reports[RECURRING].pk, new.pk, "approve"])
    assert client.post(url).status_code == 404


# --- my work and the navigation -------------------------------------------------------------


def section(user, title):
    return next((s for s in work_sections_for(user) if s.title == title), None)


AWAITING = "Reports awaiting your step"
NEW = "New reports for you"


def test_my_work_lists_the_reports_awaiting_each_step_with_their_due_dates(
    client, staff, fake_documents, english
):
    report = ready_report(MONTHLY)
    weekly = ready_report(WEEKLY)
    found = section(staff["crm_manager"], AWAITING)
    by_url = {item.url: item for item in found.items}
    assert by_url[detail_url(report)].due == report.review_due_at
    assert by_url[detail_url(weekly)].due is None
    assert section(staff["secretary"], AWAITING) is None
    assert section(staff["resources"], AWAITING) is None
    assert section(staff["steward"], AWAITING) is None

    reviewed(report, staff)
    [item] = section(staff["secretary"], AWAITING).items
    assert item.url == detail_url(report) and item.due == report.decision_due_at
    assert item.detail == "Awaiting the secretary's decision"
    decided(report, staff)
    item = next(i for i in section(staff["centres"], AWAITING).items if i.url == detail_url(report))
    assert item.due == report.archive_due_at

    Report.objects.filter(pk=report.pk).update(
        archive_due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    item = next(i for i in section(staff["centres"], AWAITING).items if i.url == detail_url(report))
    assert item.is_overdue

    client.force_login(staff["centres"])
    home = client.get(reverse("home"))
    assert AWAITING.encode() in home.content
    assert detail_url(report).encode() in home.content


def test_recipients_find_new_reports_on_my_work(staff, fake_documents, english):
    ReportRecipient.objects.create(report_type=MONTHLY, user=staff["secretary"])
    ReportRecipient.objects.create(report_type=WEEKLY, user=staff["resources"])
    ReportRecipient.objects.create(report_type=WEEKLY, user=staff["secretary"])  # cannot read it
    assert section(staff["secretary"], NEW) is None
    report = ready_report(MONTHLY)
    weekly = ready_report(WEEKLY)
    [item] = section(staff["secretary"], NEW).items
    assert item.url == detail_url(report)
    [item] = section(staff["resources"], NEW).items
    assert item.url == detail_url(weekly)
    # Once it awaits the secretary's decision it is in that section, not twice.
    reviewed(report, staff)
    assert section(staff["secretary"], NEW) is None
    assert section(staff["secretary"], AWAITING) is not None
    # Old reports are no longer new.
    Report.objects.filter(pk=weekly.pk).update(
        finished_at=timezone.now() - datetime.timedelta(days=30)
    )
    assert section(staff["resources"], NEW) is None


@pytest.mark.parametrize("who", ROLES)
def test_navigation_items(staff, who):
    urls = {
        item.url_name
        for pillar, items in navigation_for(staff[who])
        if pillar.code == "reports"
        for item, _url in items
        if item.url_name.startswith("reports:")
    }
    expected = set()
    if who not in NO_REPORTS:
        expected.add("reports:list")
    if who in PRODUCERS:
        expected.add("reports:produce")
    assert urls == expected


# --- admin --------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, staff):
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    return client


def test_admin_allows_one_visual_identity(admin_client):
    add = reverse("admin:reports_visualidentity_add")
    assert admin_client.get(add).status_code == 200
    VisualIdentity.objects.create(name="جمعية")
    assert admin_client.get(add).status_code == 403
    changelist = admin_client.get(reverse("admin:reports_visualidentity_changelist"))
    assert changelist.status_code == 200


def test_admin_recipients(admin_client, staff):
    response = admin_client.post(
        reverse("admin:reports_reportrecipient_add"),
        {"report_type": MONTHLY, "user": staff["secretary"].pk, "email": "", "is_active": "on"},
    )
    assert response.status_code == 302
    assert ReportRecipient.objects.get().address == "secretary@example.org"


def test_admin_reports_are_read_only_with_a_retry_action(
    admin_client, fake_documents, django_capture_on_commit_callbacks
):
    FakeDocument.fail_with = RuntimeError("boom")
    with pytest.raises(RuntimeError):
        ready_report(MONTHLY)
    FakeDocument.fail_with = None
    failed = Report.objects.get()
    ok = ready_report(WEEKLY)
    assert admin_client.get(reverse("admin:reports_report_add")).status_code == 403
    page = admin_client.get(reverse("admin:reports_report_change", args=[failed.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert b"RuntimeError: boom" in page.content
    changelist = reverse("admin:reports_report_changelist")
    assert b"retry_failed" in admin_client.get(changelist).content
    response = admin_client.post(
        reverse("admin:reports_report_delete", args=[failed.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            changelist,
            {"action": "retry_failed", "_selected_action": [failed.pk, ok.pk]},
        )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == RunStatus.READY and failed.attempts == 2
    assert Report.objects.count() == 2


def test_admin_retry_action_needs_the_produce_permission(client, staff, fake_documents):
    from django.contrib.auth.models import Permission

    manager = staff["management"]
    manager.is_staff = True
    manager.save()
    manager.user_permissions.add(Permission.objects.get(codename="view_report"))
    ready_report(WEEKLY)
    client.force_login(manager)
    response = client.get(reverse("admin:reports_report_changelist"))
    assert response.status_code == 200
    assert b"retry_failed" not in response.content


def test_recommendations_are_decided_from_the_report_only_while_it_is_under_review(
    client, staff, reports, month_recommendations, english
):
    report = decided(reviewed(reports[MONTHLY], staff), staff)
    new = month_recommendations["new"]
    client.force_login(staff["secretary"])
    page = client.get(detail_url(report))
    assert not page.context["may_decide_recommendations"]
    url = reverse("reports:recommendation_decide", args=[report.pk, new.pk, "approve"])
    response = client.post(url)
    assert texts(client, response) == [
        "This report is no longer at this step. Reload the page to see its status."
    ]
    new.refresh_from_db()
    assert new.decision == RecommendationDecision.RAISED


@pytest.mark.parametrize("report_type", list(ReportType))
def test_a_real_report_page_and_its_downloads(client, staff, media_root, report_type):
    """The real documents, not the stand-in: the page lists their key figures and the files
    download."""
    report = ready_report(report_type)
    assert report.status == RunStatus.READY, report.error
    client.force_login(staff["crm_manager"])
    page = client.get(detail_url(report))
    assert page.status_code == 200
    assert page.context["summary_rows"], report.summary
    pdf = client.get(reverse("reports:pdf", args=[report.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    xlsx = client.get(reverse("reports:xlsx", args=[report.pk]))
    assert b"".join(xlsx.streaming_content).startswith(b"PK")
