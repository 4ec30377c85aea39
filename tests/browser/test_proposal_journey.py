"""In Chromium, in Arabic: a programme proposal to planning (3.1.12). A CRM employee proposes,
from a donor's profile, a programme the donor asked for; the planning director answers it
from "عملي" and adds the programme to the portfolio, linked to the proposal; the employee
reads the answer on "عملي". Screenshots at 1280 and 390 px."""

import pytest
from django.contrib.auth import get_user_model

from association.demo import load_demo_data
from customers.demo import load_demo_customers
from customers.models import Customer
from opportunities.models import DonorInterest
from programmes.models import ProgrammeCategory, ProgrammeProposal, ProposalState
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def at_phone_width(page, name):
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, name)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), name
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_proposal_answered_and_its_programme_added(as_user, live_server):
    load_demo_data()
    load_demo_customers()
    donor = Customer.objects.get(name="مؤسسة عبدالله الخيرية")
    education = ProgrammeCategory.objects.create(name="تعليم")
    staff_user = get_user_model().objects.get(username="crm_staff")
    DonorInterest.objects.create(donor=donor, category=education, recorded_by=staff_user)

    staff = as_user("crm_staff")
    staff.goto(f"{live_server.url}/customers/{donor.pk}/")
    staff.click("[data-testid=proposals-panel] a.btn")
    staff.wait_for_selector("[data-testid=proposal-form]")
    assert staff.input_value("input[name=donor_codes]") == str(donor.code)
    staff.fill("input[name=title]", "برنامج الحقيبة المدرسية للأيتام")
    staff.fill("textarea[name=description]", "حقائب وأدوات مدرسية لأبناء الأسر المستفيدة")
    staff.fill("textarea[name=reason]", "طلبته المؤسسة في زيارتها الأخيرة")
    staff.click("[data-testid=proposal-form] button[type=submit]")
    staff.wait_for_selector(".alert-success")
    proposal = ProgrammeProposal.objects.get()
    assert proposal.category == education

    planning = as_user("planning")
    planning.get_by_role("link", name=proposal.title).first.click()
    planning.wait_for_selector("[data-testid=answer]")
    shot(planning, "60-proposal-answer-ar")
    at_phone_width(planning, "60-proposal-answer-390-ar")
    planning.fill("[data-testid=answer] textarea[name=note]", "يُضاف إلى محفظة العام القادم")
    planning.click("[data-testid=answer] button[type=submit]")
    planning.wait_for_selector("[data-testid=create-programme]")
    planning.fill("[data-testid=create-programme] input[name=code]", "EDU-BAG-1")
    planning.fill("[data-testid=create-programme] input[name=budget]", "75000")
    planning.click("[data-testid=create-programme] button[type=submit]")
    planning.wait_for_selector("[data-testid=linked-programme]")
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.ACCEPTED
    assert proposal.programme.code == "EDU-BAG-1"
    shot(planning, "61-proposal-linked-ar")
    at_phone_width(planning, "61-proposal-linked-390-ar")

    staff.goto(f"{live_server.url}/")
    assert "ردود التخطيط على مقترحات البرامج" in staff.inner_text("main")
    assert proposal.title in staff.inner_text("main")
    staff.goto(f"{live_server.url}/programmes/proposals/")
    shot(staff, "62-proposals-list-ar")
    at_phone_width(staff, "62-proposals-list-390-ar")
