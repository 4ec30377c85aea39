"""In Chromium, in Arabic (issue 10 items 4, 5 and 15):

- the CRM manager finds this week's review of the register due on "عملي", opens it, reads
  the department's figures, records the review and raises a recommendation from it; the
  list of weeks marks the missed ones;
- the quality officer proposes a solution with its implementation plan for a recurring
  group and its owner reports progress on the solution's page;
- the CRM manager edits a staff member's FAQ proposal and can no longer publish it; the
  centres-affairs manager publishes it, and the entry credits both."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from complaints import register_reviews
from complaints.models import (
    FaqEntry,
    FaqState,
    ProposedSolution,
    Recommendation,
    RegisterReview,
    SolutionStatus,
)
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    """The demo data of `make run`, made through the services."""
    call_command("load_demo_data", stdout=StringIO())


def at_390(page, name):
    """A screenshot at phone width, checking nothing scrolls sideways."""
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    shot(page, f"{name}_390")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_crm_manager_records_the_weekly_review_from_my_work(as_user, live_server, demo):
    this_week = register_reviews.current_week()
    manager = as_user("crm_manager")
    # "عملي": this week's review is due; the weeks before the demo's last one are missed.
    section = manager.locator("section", has_text="المراجعات الأسبوعية لسجل شكاوى العملاء")
    assert section.count() == 1
    shot(manager, "reviews_01_mywork")
    at_390(manager, "reviews_01_mywork")
    section.locator(f"a[href$='/{this_week.isoformat()}/']").click()
    manager.wait_for_selector("[data-testid=review-form]")
    assert manager.get_attribute("html", "dir") == "rtl"
    figures = manager.inner_text("[data-testid=figures]")
    assert "الواردة هذا الأسبوع" in figures and "المتأخرة الآن" in figures
    manager.fill(
        "textarea[name=findings]",
        "شكوى سوء تعامل ما زالت قيد الدراسة بعد موعدها، واستفسار مانح بانتظار معاودة الاتصال.",
    )
    shot(manager, "reviews_02_week_form")
    at_390(manager, "reviews_02_week_form")
    manager.click("[data-testid=review-form] button[type=submit]")
    manager.wait_for_selector("[data-testid=findings]")
    review = RegisterReview.objects.get(department="crm", week_start=this_week)
    assert review.reviewer.username == "crm_manager"
    assert manager.query_selector("[data-testid=review-form]") is None

    manager.click("[data-testid=raise-recommendation]")
    manager.wait_for_selector("[data-testid=register-review]")
    manager.fill("textarea[name=text]", "متابعة الحالات المتأخرة يومياً في اجتماع الصباح.")
    manager.select_option("select[name=owner]", label="نورة الحربي")
    manager.fill(
        "input[name=due_date]",
        (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
    )
    manager.click("form.card button[type=submit]")
    manager.wait_for_selector("[data-testid=register-review] a")
    recommendation = Recommendation.objects.get(register_review=review)
    assert recommendation.department == "crm"
    manager.click("[data-testid=register-review] a")
    manager.wait_for_selector("[data-testid=recommendations]")
    assert "متابعة الحالات المتأخرة يومياً" in manager.inner_text("[data-testid=recommendations]")
    shot(manager, "reviews_03_week_recorded")
    at_390(manager, "reviews_03_week_recorded")

    # The list of weeks: reviewed ones and, for the quality officer, centres' missed weeks.
    quality = as_user("quality")
    quality.goto(f"{live_server.url}/complaints/register-reviews/")
    assert quality.locator("[data-testid=week-missed]").count() >= 3
    assert quality.locator("[data-testid=week-reviewed]").count() == 2
    shot(quality, "reviews_04_weeks_list")
    at_390(quality, "reviews_04_weeks_list")


def test_a_solution_is_proposed_with_its_plan_and_monitored(as_user, live_server, demo):
    quality = as_user("quality")
    quality.goto(f"{live_server.url}/complaints/recurring/")
    quality.locator("[data-testid=group-row] a").first.click()
    quality.wait_for_selector("[data-testid=solution-form]")
    quality.fill("[data-testid=solution-form] textarea[name=text]", "توفير مخزون احتياطي للسلال")
    quality.fill(
        "[data-testid=solution-form] textarea[name=implementation_plan]",
        "الاتفاق مع مستودع الجمعية على مخزون أسبوع، ومراجعته شهرياً مع قسم شؤون المراكز.",
    )
    quality.select_option("[data-testid=solution-form] select[name=owner]", label="فهد الزهراني")
    quality.fill(
        "[data-testid=solution-form] input[name=due_date]",
        (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
    )
    quality.click("[data-testid=solution-form] button[type=submit]")
    quality.wait_for_selector(".alert-success")
    solution = ProposedSolution.objects.get(text="توفير مخزون احتياطي للسلال")
    assert "الاتفاق مع مستودع الجمعية" in quality.inner_text("[data-testid=solutions]")
    shot(quality, "solutions_01_group")
    at_390(quality, "solutions_01_group")

    owner = as_user(solution.owner.username)
    owner.goto(f"{live_server.url}/complaints/recurring/solutions/{solution.pk}/")
    # Starting the implementation is the owner's next step, with its own note.
    owner.fill("[data-testid=action-start] textarea[name=note]", "طُلب عرض سعر من المستودع.")
    owner.click("[data-testid=action-start] button[type=submit]")
    owner.wait_for_selector(".alert-success")
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.IN_PROGRESS
    assert "طُلب عرض سعر من المستودع." in owner.inner_text("[data-testid=monitoring]")
    shot(owner, "solutions_02_monitoring")
    at_390(owner, "solutions_02_monitoring")


def test_a_manager_who_edited_an_faq_answer_cannot_publish_it(as_user, live_server, demo):
    # The demo's proposal was completed by the CRM manager.
    entry = FaqEntry.objects.get(state=FaqState.PROPOSED)
    crm_manager = as_user("crm_manager")
    crm_manager.goto(f"{live_server.url}/complaints/faq/{entry.pk}/")
    crm_manager.wait_for_selector("[data-testid=self-authored]")
    assert crm_manager.locator("button", has_text="اعتماد ونشر").count() == 0
    assert "خالد الغامدي" in crm_manager.inner_text("[data-testid=edit-history]")
    shot(crm_manager, "faq_01_edited_by_me")
    at_390(crm_manager, "faq_01_edited_by_me")

    centres_manager = as_user("centres_manager")
    centres_manager.goto(f"{live_server.url}/complaints/faq/{entry.pk}/")
    centres_manager.locator("button", has_text="اعتماد ونشر").click()
    centres_manager.wait_for_selector("[data-testid=credit-published]")
    entry.refresh_from_db()
    assert entry.state == FaqState.PUBLISHED
    assert entry.decided_by.username == "centres_manager"
    assert "خالد الغامدي" in centres_manager.inner_text("[data-testid=credit-edited]")
    assert "نورة الحربي" in centres_manager.inner_text("[data-testid=credit-proposed]")
    assert "منى القرشي" in centres_manager.inner_text("[data-testid=credit-published]")
    shot(centres_manager, "faq_02_published_credit")
    at_390(centres_manager, "faq_02_published_credit")
