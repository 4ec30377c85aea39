"""In Chromium on a 390 px phone: a list's table turns into cards with status and deadline
first, and the filters fold behind a button unless one is in use (table-cards and
filter-card, static/js/phone-layout.js); without JavaScript the filters stay open."""

from io import StringIO

import pytest
from django.core.management import call_command

from association.demo import DEMO_PASSWORD
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def load_demo_data():
    call_command("load_demo_data", stdout=StringIO())


def sign_in(browser, live_server, *, javascript=True):
    context = browser.new_context(locale="ar-SA", viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "crm_staff")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_selector("h1")
    return context, page


def test_the_case_list_is_a_list_of_cards_with_status_and_deadline_first(browser, live_server):
    load_demo_data()
    context, page = sign_in(browser, live_server)
    page.goto(f"{live_server.url}/complaints/")
    row = page.locator("[data-testid=case-row]").first
    assert row.evaluate("r => getComputedStyle(r).flexDirection") == "column"
    assert (
        page.locator("table.table-cards thead").evaluate("h => h.getBoundingClientRect().height")
        <= 1
    )
    status, due = row.locator("td.card-first").all()
    assert status.get_attribute("data-label") == "الحالة"
    assert due.get_attribute("data-label")
    # The status and the deadline come first in the card, above the tracking number.
    tracking = row.locator("td").first
    assert status.bounding_box()["y"] < tracking.bounding_box()["y"]
    assert due.bounding_box()["y"] < tracking.bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "phone-case-list-cards")

    page.set_viewport_size({"width": 1280, "height": 900})
    assert row.evaluate("r => getComputedStyle(r).display") == "table-row"
    context.close()


def test_the_filters_fold_on_a_phone_unless_one_is_in_use(browser, live_server):
    load_demo_data()
    context, page = sign_in(browser, live_server)
    page.goto(f"{live_server.url}/complaints/")
    toggle = page.locator(".filter-toggle")
    filters = page.locator("form.filter-card")
    assert toggle.is_visible() and not filters.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert filters.is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    shot(page, "phone-filters-open")

    # A filter in use: the card is open and the button counts the filters.
    page.goto(f"{live_server.url}/complaints/?kind=complaint")
    assert filters.is_visible()
    assert toggle.locator("[data-filter-count]").inner_text() == "1"

    # On a wide screen the filters always show and the button does not.
    page.goto(f"{live_server.url}/customers/")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator("form.filter-card").is_visible()
    assert not page.locator(".filter-toggle").is_visible()
    context.close()


def test_without_javascript_the_filters_stay_open_on_a_phone(browser, live_server):
    load_demo_data()
    context, page = sign_in(browser, live_server, javascript=False)
    page.goto(f"{live_server.url}/complaints/")
    assert page.locator("form.filter-card").is_visible()
    assert page.locator(".filter-toggle").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
