"""In Chromium, in Arabic: the CRM manager marks the data steward absent from the customers
area with a reason; the page shows the deputy now enters forms and the change in the
history; the page fits a phone without sideways scrolling."""

from io import StringIO

import pytest
from django.core.management import call_command

from customers.models import StewardDesignation
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_crm_manager_marks_the_steward_absent(as_user, live_server):
    call_command("load_demo_data", stdout=StringIO())
    page = as_user("crm_manager")
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(f"{live_server.url}/")
    # The navigation bar's customers menu leads to the page.
    assert page.locator('a[href="/customers/steward/"]').count() >= 1
    page.goto(f"{live_server.url}/customers/steward/")
    assert page.locator("h1").inner_text().strip()
    history = page.locator("[data-testid=history] li")
    assert history.count() == 1  # the demo's first designation by the CRM manager

    page.check("#id_steward_absent")
    page.fill("#id_reason", "إجازة سنوية لمسؤول قاعدة البيانات")
    page.click("[data-testid=designation-form] button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert StewardDesignation.objects.get().steward_absent is True
    assert history.count() == 2
    assert "إجازة سنوية لمسؤول قاعدة البيانات" in history.first.inner_text()
    assert "deputy" in StewardDesignation.objects.get().acting_steward().username
    shot(page, "steward-designation-1280")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "steward-designation-390")
    assert errors == []
