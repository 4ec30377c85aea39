"""In Chromium: the CRM manager who prepares a customer form is not offered its approval or
rejection (nobody decides on their own form, issue 10 item 24)."""

import re

import pytest

from association.demo import load_demo_data
from customers.models import CustomerRequest, RequestState
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_preparer_sees_no_approve_or_reject_button(as_user, live_server):
    load_demo_data()
    manager = as_user("crm_manager")
    manager.goto(f"{live_server.url}/customers/forms/new/")
    manager.fill("input[name=name]", "سلمى راشد الحارثي")
    manager.select_option("select[name=kind]", "beneficiary")
    manager.fill("input[name=mobile]", "0509990001")
    manager.select_option("select[name=contact_channel]", "phone")
    manager.fill("textarea[name=reason]", "مستفيدة جديدة")
    manager.click("button[name=submit_form]")
    manager.wait_for_url(re.compile(r"/customers/forms/\d+/$"))

    form = CustomerRequest.objects.get()
    assert form.state == RequestState.SUBMITTED
    assert form.prepared_by.username == "crm_manager"
    assert manager.locator("[data-testid=actions]").count() == 0
    assert manager.locator(f"form[action$='/customers/forms/{form.pk}/approve/']").count() == 0
    assert manager.locator(f"button[formaction$='/customers/forms/{form.pk}/reject/']").count() == 0
    shot(manager, "14-preparer-sees-no-decision-ar")
