"""In Chromium, in Arabic: a section of the manual read on a 390 px phone without sideways
scroll (its procedure table turns into cards); a staff member who may not read the manual
asks for access, the controller grants it from his page, and the staff member reads."""

import pytest

from association.demo import load_demo_data as load_association
from manual import services
from manual.models import Reading, ReadingAccess
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo():
    load_association()
    services.load_manual()


def test_a_section_reads_on_a_phone_without_sideways_scroll(demo, as_user):
    page = as_user("crm_staff")
    page.set_viewport_size(PHONE)
    base = page.url.split("/", 3)[:3]
    root = "/".join(base)
    page.goto(f"{root}/manual/crm/section/5.2-1/")
    assert "تقديم ومعالجة الشكاوي" in page.locator("h1").inner_text()
    assert page.locator("[data-testid=procedure-step]").count() == 9
    row = page.locator("[data-testid=procedure-step]").first
    assert row.evaluate("r => getComputedStyle(r).flexDirection") == "column"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert "فوري" in row.inner_text()
    shot(page, "manual-section-phone")
    page.goto(f"{root}/manual/crm/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator("[data-testid=approval-table]").is_visible()
    shot(page, "manual-document-phone")
    assert Reading.objects.filter(user__username="crm_staff").count() == 2


def test_a_staff_member_asks_and_the_controller_grants(demo, as_user):
    staff = as_user("quality")
    root = "/".join(staff.url.split("/", 3)[:3])
    staff.goto(f"{root}/manual/")
    form = staff.locator("[data-testid=access-request-form]").first
    form.locator("textarea").fill("لمتابعة دراسة الشكاوى (5.1.7)")
    form.locator("[data-testid=request-access]").click()
    staff.wait_for_selector("[data-testid=access-pending]")
    shot(staff, "manual-access-requested")

    controller = as_user("crm_manager")
    controller.goto(f"{root}/")
    assert "طلبات الاطلاع على الدليل" in controller.content()
    controller.goto(f"{root}/manual/access/")
    request = controller.locator("[data-testid=pending-request]").first
    assert "لمتابعة دراسة الشكاوى" in request.inner_text()
    shot(controller, "manual-access-controller")
    request.locator("[data-testid=grant-access]").click()
    controller.wait_for_selector(".alert-success")
    assert ReadingAccess.objects.get().state == "granted"

    staff.goto(f"{root}/manual/")
    staff.locator("a", has_text="قراءة").first.click()
    staff.wait_for_selector("[data-testid=manual-toc]")
    assert "مراقب الدليل" in staff.content()
    controller.goto(f"{root}/manual/access/")
    assert controller.locator("[data-testid=reading-log] tbody tr").count() >= 1
