"""In Chromium, in Arabic, at 390 px and 1280 px: the proposed solution's, the portfolio
cycle's and the monthly report's pages (and the public tracking page) show the step bar, the
deadline named by what it is due for and one primary next step, with nothing wider than the
screen, no "None" and the page right to left; a step sent back keeps what was typed.
Screenshots in artifacts/screenshots/steps/."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from association.demo import DEMO_PASSWORD
from complaints.models import Case, ProposedSolution
from programmes.models import CycleState, PortfolioCycle
from reports import services
from reports.demo import load_demo_reports
from reports.models import Report, ReportType, Trigger
from reports.periods import previous_period
from tests.browser.conftest import SCREENSHOTS
from tests.reports.support import FakeDocument

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1280)
STEPS_SHOTS = SCREENSHOTS / "steps"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def demo(media_root, monkeypatch):
    call_command("load_demo_data", stdout=StringIO())
    load_demo_reports()
    # The report's files from a stand-in document: the page is what is tested here.
    FakeDocument.builds, FakeDocument.fail_with = [], None
    monkeypatch.setattr("reports.documents.document_for", lambda report_type: FakeDocument())
    start, end = previous_period(ReportType.MONTHLY_PERFORMANCE, timezone.localdate())
    report, _created = services.produce_now(
        report_type=ReportType.MONTHLY_PERFORMANCE,
        period_start=start,
        period_end=end,
        trigger=Trigger.COMMAND,
    )
    overdue = ProposedSolution.objects.filter(due_date__lt=timezone.localdate()).get()
    return {
        "overdue_solution": reverse("complaints:solution_detail", args=[overdue.pk]),
        "cycle": reverse(
            "programmes:cycle_detail",
            args=[PortfolioCycle.objects.get(state=CycleState.HANDED_OVER).pk],
        ),
        "report": reverse("reports:detail", args=[report.pk]),
        "report_obj": report,
    }


def sign_in(browser, live_server, username, width):
    context = browser.new_context(locale="ar-SA", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_selector("h1")
    return context, page


def check_layout(page, width, name):
    """Nothing wider than the screen, no None, right to left; the screenshot taken."""
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    text = page.inner_text("body")
    assert "None" not in text and "---------" not in text, name
    STEPS_SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(STEPS_SHOTS / f"{name}-{width}.png"), full_page=True)


def check_guided(page, *, due, primary):
    """The step bar, the named deadline and one primary next step, inside the screen."""
    assert page.locator("[data-testid=step-bar]").is_visible()
    assert page.locator("[data-testid=step-bar] [aria-current=step]").count() == 1
    deadline = page.locator("[data-testid=due], [data-testid=current-due]").first
    assert due in deadline.inner_text()
    card = page.locator("[data-testid=actions]")
    assert card.count() == 1 and card.is_visible()
    assert card.locator(f"form[data-testid={primary}] button[type=submit]").first.is_visible()
    # The step bar reads right to left: its first step is on the right.
    first, second = (
        step.bounding_box() for step in page.locator("[data-testid=step-bar] li").all()[:2]
    )
    assert first["x"] + first["width"] >= second["x"] + second["width"]


def test_the_step_pages_fit_the_screen_with_their_next_step(browser, live_server, demo):
    pages = [
        (
            "centres_manager",
            demo["overdue_solution"],
            "solution",
            "موعد تنفيذ الحل",
            "action-start",
        ),
        ("crm_manager", demo["cycle"], "cycle", "موعد مراجعة المحفظة", "review"),
        ("crm_manager", demo["report"], "report", "موعد مراجعة التقرير", "review-form"),
    ]
    for width in WIDTHS:
        for username, url, name, due, primary in pages:
            context, page = sign_in(browser, live_server, username, width)
            page.goto(f"{live_server.url}{url}")
            check_guided(page, due=due, primary=primary)
            check_layout(page, width, name)
            context.close()


def test_readers_and_the_public_see_the_steps_without_a_step(browser, live_server, demo):
    readers = (
        ("planning", demo["cycle"], "cycle-reader"),
        ("secretary", demo["report"], "report-reader"),
        ("crm_manager", demo["overdue_solution"], "solution-reader"),
    )
    case = Case.objects.filter(registered_by__isnull=True).exclude(contact_mobile="").first()
    for width in WIDTHS:
        for username, url, name in readers:
            context, page = sign_in(browser, live_server, username, width)
            page.goto(f"{live_server.url}{url}")
            assert page.locator("[data-testid=step-bar]").is_visible(), name
            assert page.locator("[data-testid=actions]").count() == 0, name
            check_layout(page, width, name)
            context.close()

        context = browser.new_context(locale="ar-SA", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(f"{live_server.url}{reverse('public:track')}")
        page.fill("input[name=tracking_number]", case.tracking_number)
        page.fill("input[name=mobile]", "0" + case.contact_mobile[-9:])
        page.locator("[data-testid=track-form] button[type=submit]").click()
        page.wait_for_selector("[data-testid=track-result]")
        bar = page.locator("[data-testid=track-result] [data-testid=step-bar]")
        assert bar.get_attribute("aria-label") == "مراحل الطلب"
        assert bar.locator("[aria-current=step]").count() <= 1
        check_layout(page, width, "public-track")
        context.close()


def test_a_review_sent_back_on_a_phone_keeps_what_was_typed(browser, live_server, demo):
    context, page = sign_in(browser, live_server, "crm_manager", 390)
    page.goto(f"{live_server.url}{demo['report']}")
    form = page.locator("form[data-testid=review-form]")
    form.locator("textarea[name=follow_up_notes]").fill("نُفذت توصية الرسائل النصية")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=form-errors]")
    assert (
        page.locator("form[data-testid=review-form] textarea[name=follow_up_notes]").input_value()
        == "نُفذت توصية الرسائل النصية"
    )
    assert not Report.objects.get(pk=demo["report_obj"].pk).department_reviews.exists()
    check_layout(page, 390, "report-sent-back")
    context.close()
