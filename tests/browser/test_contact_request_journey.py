"""In Chromium, in Arabic (manual 3.1.21): a CRM employee who is not a donor's point of
contact asks to contact the donor; the CRM manager, resource development and the
sub-council secretary each approve from their "My work" page; the employee sees the
decision on theirs and records the contact made. Screenshots at 1280 and 390 px wide."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from association import roles
from association.demo import load_demo_data
from customers.demo import load_demo_customers
from customers.models import Customer
from opportunities import services
from opportunities.models import ContactApproval, DonorContact
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_request_to_contact_approved_by_three_then_recorded(as_user, live_server, settings):
    load_demo_data()
    load_demo_customers()
    users = {user.username: user for user in get_user_model().objects.all()}
    # A second CRM employee, not the donor's point of contact.
    from django.contrib.auth.models import Group

    from association.demo import DEMO_PASSWORD

    asker = get_user_model().objects.create_user(
        "crm_staff2", "asker@example.org", DEMO_PASSWORD, first_name="فهد", last_name="الزهراني"
    )
    asker.groups.add(Group.objects.get(name=roles.CRM_STAFF.group_name))
    donor = Customer.objects.get(name="مؤسسة عبدالله الخيرية")
    designation = services.designation_propose(
        donor=donor, staff=users["crm_staff"], reason="المتابع", actor=users["crm_manager"]
    )
    services.designation_decide(designation=designation, actor=users["secretary"], approve=True)
    mail.outbox.clear()

    # 1. The employee asks to contact the donor, from the donor's profile.
    staff = as_user("crm_staff2")
    staff.goto(f"{live_server.url}/customers/{donor.pk}/")
    staff.click("[data-testid=ask-to-contact]")
    staff.wait_for_selector("[data-testid=request-explained]")
    staff.fill("textarea[name=purpose]", "دعوة المؤسسة لحفل تكريم الداعمين")
    staff.select_option("select[name=channel]", "phone")
    shot(staff, "40-contact-request-form-ar")
    staff.click("main form button[type=submit]")
    staff.wait_for_selector("[data-testid=approvals]")
    request = DonorContact.objects.get()
    assert request.is_request and request.approval == ContactApproval.PENDING
    # The point of contact is told.
    assert [email.to for email in mail.outbox] == [[users["crm_staff"].email]]

    # 2. Each approver finds it on "My work" (with its deadline) and approves.
    for username in ("crm_manager", "resources", "secretary"):
        approver = as_user(username)
        assert donor.name in approver.inner_text("main")
        approver.click(f"main a[href='/opportunities/contacts/{request.pk}/']")
        approver.wait_for_selector("[data-testid=decide-form]")
        if username == "secretary":
            shot(approver, "41-contact-approval-secretary-ar")
            approver.set_viewport_size(PHONE)
            shot(approver, "41-contact-approval-secretary-ar-390")
            assert no_sideways_scroll(approver)
        approver.click("[data-testid=approve]")
        approver.wait_for_selector(".alert-success")
    request.refresh_from_db()
    assert request.approval == ContactApproval.APPROVED
    decided = dict(request.approval_steps.values_list("party", "decided_by__username"))
    assert decided == {
        "crm_manager": "crm_manager",
        "resource_development": "resources",
        "council_secretary": "secretary",
    }
    assert mail.outbox[-1].to == [asker.email]  # the decision, by email

    # 3. The employee sees the decision on "My work" and records the contact made.
    staff.goto(f"{live_server.url}/")
    staff.wait_for_selector("main")
    assert donor.name in staff.inner_text("main")
    shot(staff, "42-my-work-decision-ar")
    staff.click(f"main a[href='/opportunities/contacts/{request.pk}/']")
    staff.wait_for_selector("[data-testid=made-form]")
    staff.fill("input[name=contact_date]", timezone.localdate().isoformat())
    staff.fill("textarea[name=summary]", "رحبت المؤسسة بالدعوة وأكدت الحضور")
    shot(staff, "43-contact-approved-record-ar")
    staff.set_viewport_size(PHONE)
    shot(staff, "43-contact-approved-record-ar-390")
    assert no_sideways_scroll(staff)
    staff.click("[data-testid=made-form] button[type=submit]")
    staff.wait_for_selector(".alert-success")
    made = DonorContact.objects.get(made_under=request)
    assert made.approval == ContactApproval.APPROVED and not made.is_planned
    shot(staff, "44-contact-made-ar-390")
