"""In Chromium, in Arabic (manual 3.1.21): the CRM manager proposes a donor's point of
contact from the donor's profile; the sub-council secretary approves it from "My work"; the
profile then shows the new point of contact and its designation history (1280 and 390 px)."""

import pytest
from django.contrib.auth import get_user_model

from association.demo import load_demo_data
from customers.demo import load_demo_customers
from customers.models import Customer
from opportunities.models import DesignationState, PointOfContactDesignation
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_propose_then_the_secretary_approves(as_user, live_server):
    load_demo_data()
    load_demo_customers()
    resources = get_user_model().objects.get(username="resources")
    donor = Customer.objects.get(name="شركة الوفاء للتجارة")
    profile = f"{live_server.url}/customers/{donor.pk}/"

    manager = as_user("crm_manager")
    manager.goto(profile)
    manager.click("[data-testid=propose-point]")
    manager.select_option("select[name=staff]", str(resources.pk))
    manager.fill("textarea[name=reason]", "الشركة من مانحي الأوقاف الذين تتابعهم تنمية الموارد")
    shot(manager, "45-point-of-contact-propose-ar")
    manager.click("main form button[type=submit]")
    manager.wait_for_selector("[data-testid=designation-state]")
    designation = PointOfContactDesignation.objects.get()
    assert designation.state == DesignationState.PROPOSED

    secretary = as_user("secretary")
    assert donor.name in secretary.inner_text("main")
    secretary.click(f"main a[href='/opportunities/designations/{designation.pk}/']")
    secretary.wait_for_selector("[data-testid=designation-decide]")
    secretary.set_viewport_size(PHONE)
    shot(secretary, "46-point-of-contact-approve-ar-390")
    assert secretary.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    secretary.click("[data-testid=designation-decide] button.btn-success")
    secretary.wait_for_selector(".alert-success")
    donor.refresh_from_db()
    assert donor.point_of_contact == resources

    manager.goto(profile)
    assert resources.get_full_name() in manager.inner_text("[data-testid=current-point]")
    manager.locator("[data-testid=point-of-contact-panel]").scroll_into_view_if_needed()
    shot(manager, "47-donor-profile-point-of-contact-ar")
    manager.set_viewport_size(PHONE)
    shot(manager, "47-donor-profile-point-of-contact-ar-390")
    assert manager.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
