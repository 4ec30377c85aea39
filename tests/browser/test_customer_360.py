"""In Chromium, in Arabic (issue 12, item 6): the customer 360. The CRM manager opens the
demo donor's profile: the header card (code, type, mobile the local way, point of contact,
badges, actions), the «البيانات» tab, then «السجل الزمني» with entries from every pillar;
a badge opens the timeline filtered by its kind; the anchored tabs also work without
JavaScript. At 1280 and 390 px, with no sideways scroll and no console error."""

import pytest
from django.core.management import call_command

from association.demo import DEMO_PASSWORD
from customers.models import Customer
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_customer_360_in_arabic_at_both_widths(as_user, live_server, browser):
    call_command("load_demo_data", stdout=None)
    donor = Customer.objects.get(name="مؤسسة عبدالله الخيرية")
    profile = f"{live_server.url}/customers/{donor.pk}/"

    manager = as_user("crm_manager")
    errors = []
    manager.on("console", lambda message: message.type == "error" and errors.append(message.text))
    manager.goto(profile)
    header = manager.inner_text("[data-testid=c360-header]")
    assert "100001" in header and "050 111 0001" in header and "نورة الحربي" in header
    actions = manager.locator("[data-testid=c360-actions] a")
    assert actions.first.inner_text().strip() == "تسجيل طلب جديد"
    assert manager.is_visible("#details") and not manager.is_visible("#timeline")
    shot(manager, "90-customer-360-details-ar")

    manager.click("a[href='#timeline']")
    assert manager.is_visible("[data-testid=timeline]") and not manager.is_visible("#details")
    kinds = set(
        manager.eval_on_selector_all(
            "[data-testid=timeline] li[data-kind]", "items => items.map(i => i.dataset.kind)"
        )
    )
    # The newest thirty: the demo donor's messages and consents are among them.
    assert {"forms", "cases", "messages", "consents", "opportunities", "problems"} <= kinds
    shot(manager, "91-customer-360-timeline-ar")

    # The open-case badge opens the timeline with the cases only.
    manager.click("[data-testid=c360-badges] a[href='?kind=cases#timeline']")
    manager.wait_for_url("**kind=cases**")
    assert manager.is_visible("[data-testid=timeline]")
    assert set(
        manager.eval_on_selector_all(
            "[data-testid=timeline] li[data-kind]", "items => items.map(i => i.dataset.kind)"
        )
    ) == {"cases"}

    manager.set_viewport_size(PHONE)
    manager.goto(profile)
    assert no_sideways_scroll(manager)
    shot(manager, "90-customer-360-details-ar-390")
    manager.goto(profile + "#timeline")
    assert manager.is_visible("[data-testid=timeline]")
    assert no_sideways_scroll(manager)
    shot(manager, "91-customer-360-timeline-ar-390")
    assert errors == []

    # Without JavaScript both sections show, one after the other, and the tabs are anchors.
    context = browser.new_context(
        locale="ar-SA", viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "crm_manager")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("h1")
    page.goto(profile)
    assert page.is_visible("#details") and page.is_visible("[data-testid=timeline]")
    context.close()
