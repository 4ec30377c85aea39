"""In Chromium, in Arabic: the CRM manager produces last month's performance report from the
web page, watches its progress until it is ready, downloads the PDF and reviews it for the
CRM department; the centres-affairs manager finds the report on "عملي" and reviews it for
centres affairs; only then the sub-council secretary finds it first in the archive with both
reviews, approves the month's recommendation from the report and records the decisions; a
CRM employee archives it."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from association.demo import load_demo_data
from complaints import recommendations
from complaints.models import Recommendation, RecommendationDecision
from reports import services
from reports.demo import load_demo_reports
from reports.models import Report, ReportType, ReviewState, RunStatus
from reports.periods import previous_period
from tests.browser.conftest import shot
from tests.complaints.conftest import register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _month_data(month_start):
    """A few cases received last month and a recommendation raised then."""
    User = get_user_model()
    crm, manager = User.objects.get(username="crm_staff"), User.objects.get(username="crm_manager")
    received = timezone.make_aware(
        datetime.datetime.combine(month_start + datetime.timedelta(days=3), datetime.time(10))
    )
    for subject in ("تأخر الرد على الاتصال", "تأخر توزيع السلال", "موعد التسجيل"):
        register(crm, received_at=received, subject=subject)
    recommendation = recommendations.recommendation_raise(
        actor=manager,
        text="إرسال رسالة نصية للعميل عند إغلاق الشكوى",
        department="crm",
        owner=crm,
        due_date=timezone.localdate() + datetime.timedelta(days=14),
    )
    Recommendation.objects.filter(pk=recommendation.pk).update(raised_at=received)
    return recommendation


def test_monthly_report_produced_reviewed_decided_and_archived(
    as_user, live_server, media_root, monkeypatch
):
    load_demo_data()
    load_demo_reports()
    month_start, _month_end = previous_period(ReportType.MONTHLY_PERFORMANCE, timezone.localdate())
    recommendation = _month_data(month_start)
    # The worker is this test: the page shows the progress until the test produces the report.
    queued = []
    monkeypatch.setattr("reports.tasks.enqueue_production", queued.append)

    manager = as_user("crm_manager")
    manager.goto(f"{live_server.url}/reports/produce/")
    manager.select_option("select[name=report_type]", ReportType.MONTHLY_PERFORMANCE)
    assert manager.is_hidden("input[name=week]")
    manager.fill("input[name=month]", f"{month_start:%Y-%m}")
    shot(manager, "reports_produce_ar")
    manager.click("[data-testid=produce-form] button[type=submit]")
    manager.wait_for_selector("[data-testid=progress] .progress-bar-animated")
    report = Report.objects.get()
    assert queued == [report.pk] and report.status == RunStatus.QUEUED
    assert manager.get_attribute("html", "dir") == "rtl"
    shot(manager, "reports_progress_ar")

    services.produce(report.pk)
    # The page polls the status every 2 seconds and reloads itself once the report is ready.
    manager.wait_for_selector("[data-testid=files] [data-testid=pdf]")
    assert manager.query_selector("[data-testid=progress]") is None
    shot(manager, "reports_ready_ar")
    pdf_url = manager.get_attribute("[data-testid=files] [data-testid=pdf]", "href")
    download = manager.request.get(f"{live_server.url}{pdf_url}")
    assert download.status == 200
    assert download.headers["content-type"] == "application/pdf"
    assert download.body().startswith(b"%PDF")

    manager.fill("textarea[name=weaknesses]", "تأخر الرد على الشكاوى الهاتفية في مركز الصفا")
    manager.fill("textarea[name=follow_up_notes]", "لا توصيات من الشهر الماضي")
    manager.click("[data-testid=review-form] button[type=submit]")
    manager.wait_for_selector(".alert-success")
    report.refresh_from_db()
    # The CRM department's review is in; the report waits for centres affairs'.
    assert report.review_state == ReviewState.PREPARED
    manager.wait_for_selector("[data-testid=department-review-crm]")
    manager.wait_for_selector("[data-testid=department-review-pending-centres]")
    assert manager.query_selector("[data-testid=review-form]") is None
    shot(manager, "reports_review_crm_done_ar")

    # The centres-affairs manager finds the pending review on "عملي" and records it.
    centres = as_user("centres_manager")
    link = centres.locator(f"main a[href='/reports/{report.pk}/']")
    assert "قسم شؤون المراكز" in centres.inner_text("main")
    link.first.click()
    centres.wait_for_selector("[data-testid=review-form]")
    assert "تأخر الرد على الشكاوى الهاتفية" in centres.inner_text(
        "[data-testid=department-review-crm]"
    )
    centres.fill("textarea[name=weaknesses]", "تأخر توزيع السلال في مركز حي الصفا")
    shot(centres, "reports_review_centres_form_ar")
    centres.set_viewport_size({"width": 390, "height": 844})
    assert centres.evaluate("document.documentElement.scrollWidth") <= 390
    shot(centres, "reports_review_centres_form_ar_390")
    centres.set_viewport_size({"width": 1280, "height": 900})
    centres.click("[data-testid=review-form] button[type=submit]")
    centres.wait_for_selector(".alert-success")
    report.refresh_from_db()
    assert report.review_state == ReviewState.REVIEWED
    assert set(report.department_reviews.values_list("department", flat=True)) == {
        "crm",
        "centres",
    }

    secretary = as_user("secretary")
    # On the secretary's my-work page, with the decision's deadline.
    assert f"/reports/{report.pk}/" in secretary.inner_html("main")
    shot(secretary, "reports_mywork_secretary_ar")
    secretary.goto(f"{live_server.url}/reports/")
    first_row = secretary.query_selector_all("[data-testid=report-row]")[0]
    assert first_row.get_attribute("data-report") == str(report.pk)
    assert first_row.query_selector("[data-testid=awaits-me]") is not None
    shot(secretary, "reports_archive_secretary_ar")
    first_row.query_selector("a").click()
    secretary.wait_for_selector("[data-testid=decide-form]")
    assert "تأخر الرد على الشكاوى الهاتفية" in secretary.inner_text(
        "[data-testid=department-review-crm] [data-testid=weaknesses]"
    )
    assert "تأخر توزيع السلال" in secretary.inner_text(
        "[data-testid=department-review-centres] [data-testid=weaknesses]"
    )
    shot(secretary, "reports_both_reviews_secretary_ar")
    secretary.set_viewport_size({"width": 390, "height": 844})
    assert secretary.evaluate("document.documentElement.scrollWidth") <= 390
    shot(secretary, "reports_both_reviews_secretary_ar_390")
    secretary.set_viewport_size({"width": 1280, "height": 900})
    secretary.click(
        f"[data-recommendation='{recommendation.pk}'] [data-testid=recommendation-decide] "
        "button.btn-success"
    )
    secretary.wait_for_selector(".alert-success")
    recommendation.refresh_from_db()
    assert recommendation.decision == RecommendationDecision.APPROVED
    secretary.fill(
        "textarea[name=decision_notes]", "نوقشت نقاط الضعف مع مدير الإدارة واعتمدت التوصية"
    )
    shot(secretary, "reports_decide_ar")
    secretary.click("[data-testid=decide-form] button[type=submit]")
    secretary.wait_for_selector(".alert-success")
    report.refresh_from_db()
    assert report.review_state == ReviewState.DECIDED

    staff = as_user("crm_staff")
    staff.goto(f"{live_server.url}/reports/{report.pk}/")
    staff.once("dialog", lambda dialog: dialog.accept())
    staff.click("[data-testid=archive-form] button[type=submit]")
    staff.wait_for_selector("[data-testid=archived]")
    report.refresh_from_db()
    assert report.review_state == ReviewState.ARCHIVED
    shot(staff, "reports_archived_ar")


def test_a_failed_run_shows_its_error_and_is_retried(as_user, live_server, media_root, monkeypatch):
    load_demo_data()
    week_start, _week_end = previous_period(ReportType.WEEKLY_OPPORTUNITIES, timezone.localdate())

    def broken(report_type):
        raise RuntimeError("لا يوجد خط عربي مضمّن")

    monkeypatch.setattr("reports.documents.document_for", broken)
    manager = as_user("crm_manager")
    manager.goto(f"{live_server.url}/reports/produce/")
    manager.select_option("select[name=report_type]", ReportType.WEEKLY_OPPORTUNITIES)
    assert manager.is_hidden("input[name=month]")
    manager.fill("input[name=week]", week_start.isoformat())
    manager.click("[data-testid=produce-form] button[type=submit]")
    manager.wait_for_selector("[data-testid=failed]")
    assert "لا يوجد خط عربي مضمّن" in manager.inner_text("[data-testid=error]")
    shot(manager, "reports_failed_ar")

    monkeypatch.undo()
    manager.click("[data-testid=retry]")
    manager.wait_for_selector("[data-testid=files] [data-testid=pdf]")
    report = Report.objects.get()
    assert report.status == RunStatus.READY and report.attempts == 2
