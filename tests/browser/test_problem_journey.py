"""In Chromium, in Arabic: a problem threatening a donor relationship (3.1.17, 3.1.20). A CRM
employee records it from the donor's profile; the CRM manager finds it on "عملي" with its
deadline, records two actions (the first starts the handling), then resolves and closes it
after confirming. Screenshots at 1280 and 390 px."""

import pytest
from django.contrib.auth import get_user_model

from association.demo import load_demo_data
from customers.demo import load_demo_customers
from customers.models import Customer
from opportunities.models import DonorProblem, ProblemState
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def at_phone_width(page, name):
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, name)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), name
    page.set_viewport_size({"width": 1280, "height": 900})


def test_problem_raised_handled_and_resolved(as_user, live_server):
    load_demo_data()
    load_demo_customers()
    donor = Customer.objects.get(name="شركة الوفاء للتجارة")
    manager_user = get_user_model().objects.get(username="crm_manager")

    # 1. A CRM employee records the problem from the donor's profile.
    staff = as_user("crm_staff")
    staff.goto(f"{live_server.url}/customers/{donor.pk}/")
    staff.click("[data-testid=problems-panel] a.btn")
    staff.wait_for_selector("[data-testid=problem-form]")
    assert staff.input_value("input[name=donor_code]") == str(donor.code)
    staff.select_option("select[name=kind]", "late_payment")
    staff.select_option("select[name=severity]", "critical")
    staff.fill("input[name=title]", "تأخر سداد الدفعة الثانية من التعهد")
    staff.fill("textarea[name=description]", "وعدت الشركة بالسداد نهاية الشهر ولم يصل المبلغ.")
    shot(staff, "50-problem-form-ar")
    at_phone_width(staff, "50-problem-form-390-ar")
    staff.click("[data-testid=problem-form] button[type=submit]")
    staff.wait_for_selector(".alert-success")
    problem = DonorProblem.objects.get()
    assert problem.owner == manager_user
    assert "خالد الغامدي" in staff.inner_text("[data-testid=owner]")
    assert staff.query_selector("[data-testid=action-form]") is None  # not hers to handle

    # 2. The CRM manager finds it on "عملي", with the same-day deadline.
    manager = as_user("crm_manager")
    manager.get_by_role("link", name=f"{problem.title} · {donor.name}").click()
    manager.wait_for_selector("[data-testid=action-form]")
    manager.fill("[data-testid=action-form] textarea[name=text]", "اتصال بالمدير المالي للشركة")
    manager.click("[data-testid=action-form] button[type=submit]")
    manager.wait_for_selector(".alert-success")
    problem.refresh_from_db()
    assert problem.state == ProblemState.IN_PROGRESS
    manager.fill("[data-testid=action-form] textarea[name=text]", "اتفاق على جدولة الدفعة")
    manager.click("[data-testid=action-form] button[type=submit]")
    manager.wait_for_selector(".alert-success")
    assert problem.actions.count() == 2
    shot(manager, "51-problem-in-progress-ar")
    at_phone_width(manager, "51-problem-in-progress-390-ar")

    # 3. Resolved and closed, after the confirmation: a folded alternative of the action card.
    manager.click("details:has([data-testid=resolve-form]) > summary")
    manager.fill("[data-testid=resolve-form] textarea[name=resolution]", "سُدّدت الدفعة بعد الجدولة")
    manager.once("dialog", lambda dialog: dialog.accept())
    manager.click("[data-testid=resolve-form] button[type=submit]")
    manager.wait_for_selector("[data-testid=resolution]")
    problem.refresh_from_db()
    assert problem.state == ProblemState.RESOLVED
    assert problem.resolved_by == manager_user
    assert [step.target for step in problem.transitions.all()] == [
        "open",
        "in_progress",
        "resolved",
    ]
    assert manager.query_selector("[data-testid=action-form]") is None
    shot(manager, "52-problem-resolved-ar")

    manager.goto(f"{live_server.url}/opportunities/problems/")
    assert "تمت معالجتها" in manager.inner_text("[data-testid=problem-row]")
    shot(manager, "53-problems-register-ar")
    at_phone_width(manager, "53-problems-register-390-ar")
