"""In Chromium, in Arabic: a programmes portfolio cycle (procedure "خلق الفرص" steps 1-2).
The strategic planning director finds the portfolio due on "عملي" and hands it over; the CRM
manager finds it on his "عملي", reviews it, keeps the donor the interests suggest, adds
another by code and records the identification. Screenshots at 1280 and 390 px."""

import pytest
from django.contrib.auth import get_user_model

from association.demo import load_demo_data
from customers.demo import load_demo_customers
from customers.models import Customer
from opportunities.models import DonorInterest
from programmes.models import CycleDonor, CycleState, PortfolioCycle, Programme, ProgrammeCategory
from tests.browser.conftest import choose_customer, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def at_phone_width(page, name):
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, name)
    assert no_sideways_scroll(page), name
    page.set_viewport_size({"width": 1280, "height": 900})


def test_portfolio_handed_over_reviewed_and_donors_identified(as_user, live_server, settings):
    settings.PORTFOLIO_CYCLE_CADENCE = "annual"
    load_demo_data()
    load_demo_customers()
    users = {user.username: user for user in get_user_model().objects.all()}
    abdullah = Customer.objects.get(name="مؤسسة عبدالله الخيرية")
    wafa = Customer.objects.get(name="شركة الوفاء للتجارة")
    education = ProgrammeCategory.objects.create(name="تعليم")
    health = ProgrammeCategory.objects.create(name="صحة")
    from django.utils import timezone

    year = timezone.localdate().year
    literacy = Programme.objects.create(
        code="EDU-101", name="برنامج محو الأمية للكبار", category=education, portfolio_year=year
    )
    caravans = Programme.objects.create(
        code="HLT-103", name="القوافل الصحية للأحياء", category=health, portfolio_year=year
    )
    DonorInterest.objects.create(donor=abdullah, category=education, recorded_by=users["crm_staff"])

    # 1. Strategic planning: the year's portfolio is due on "عملي".
    planning = as_user("planning")
    due = planning.get_by_role("link", name=f"محفظة عام {year}")
    due.click()
    planning.wait_for_selector("[data-testid=handover-form]")
    assert planning.input_value("input[name=year]") == str(year)
    # The programmes planned for the year come ticked.
    assert planning.is_checked(f"input[name=programmes][value='{literacy.pk}']")
    assert planning.is_checked(f"input[name=programmes][value='{caravans.pk}']")
    planning.fill("textarea[name=note]", "المحفظة المعتمدة من مجلس الإدارة")
    shot(planning, "40-portfolio-handover-ar")
    at_phone_width(planning, "40-portfolio-handover-390-ar")
    planning.click("[data-testid=handover-form] button[type=submit]")
    planning.wait_for_selector(".alert-success")
    cycle = PortfolioCycle.objects.get()
    assert cycle.state == CycleState.HANDED_OVER
    assert "هـ" in planning.inner_text("[data-testid=hijri-span]")

    # 2. The CRM manager reviews it from "عملي".
    manager = as_user("crm_manager")
    manager.get_by_role("link", name=f"مراجعة محفظة عام {year}").click()
    manager.wait_for_selector("[data-testid=review]")
    manager.fill(
        "[data-testid=review] textarea[name=notes]", "البرامج متوافقة مع الخطة الاستراتيجية"
    )
    manager.click("[data-testid=review] button[type=submit]")
    manager.wait_for_selector(".alert-success")
    cycle.refresh_from_db()
    assert cycle.state == CycleState.REVIEWED

    # 3. Potential donors: the interested donor comes ticked; another is added by code.
    literacy_card = manager.locator(
        f"#programme-{cycle.cycle_programmes.get(programme=literacy).pk}"
    )
    assert literacy_card.locator(f"input[value='{abdullah.pk}']").is_checked()
    choose_customer(literacy_card, "other_donors", "الوفاء", str(wafa.code))
    literacy_card.locator("button[type=submit]").click()
    manager.wait_for_selector(".alert-success")
    assert set(CycleDonor.objects.values_list("donor__name", flat=True)) == {
        abdullah.name,
        wafa.name,
    }
    shot(manager, "41-portfolio-donors-ar")
    at_phone_width(manager, "41-portfolio-donors-390-ar")
    # The health caravans have no donor yet: a note says why.
    manager.fill("[data-testid=identify] textarea[name=note]", "القوافل الصحية تنتظر شريكاً صحياً")
    manager.click("[data-testid=identify] button[type=submit]")
    manager.wait_for_selector(".alert-success")
    cycle.refresh_from_db()
    assert cycle.state == CycleState.DONORS_IDENTIFIED
    assert [step.target for step in cycle.transitions.all()] == [
        "handed_over",
        "reviewed",
        "donors_identified",
    ]
    assert manager.query_selector("[data-testid=donors-form]") is None
    shot(manager, "42-portfolio-identified-ar")
    at_phone_width(manager, "42-portfolio-identified-390-ar")

    manager.goto(f"{live_server.url}/programmes/cycles/")
    assert "تم تحديد المانحين المحتملين" in manager.inner_text("[data-testid=cycle-row]")
    shot(manager, "43-portfolio-cycles-ar")
    at_phone_width(manager, "43-portfolio-cycles-390-ar")
