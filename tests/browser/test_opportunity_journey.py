"""In Chromium, in Arabic: an opportunity from identification to success (manual 3.1.14).
A CRM employee records it with the donor the system suggests and contacts the donor; resource
development contacts the same donor and is flagged (3.1.21), the CRM manager approves; the
manager moves it to follow-up, to closing with the signed pledge, and, once the finance
system has recorded the money, to successful."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from association.demo import load_demo_data
from customers.demo import load_demo_customers
from customers.models import Customer
from finance.models import Donation
from opportunities.models import (
    ContactApproval,
    DonorContact,
    DonorInterest,
    Opportunity,
    OpportunityState,
)
from programmes.models import Programme, ProgrammeCategory
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLEDGE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def test_opportunity_from_identification_to_success(as_user, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo_data()
    load_demo_customers()
    users = {user.username: user for user in get_user_model().objects.all()}
    donor = Customer.objects.get(name="مؤسسة عبدالله الخيرية")
    # The donor's single point of contact is the CRM employee (designation tested elsewhere).
    Customer.objects.filter(pk=donor.pk).update(point_of_contact=users["crm_staff"])
    education = ProgrammeCategory.objects.create(name="تعليم")
    programme = Programme.objects.create(
        code="EDU-2026-01", name="برنامج محو الأمية للكبار", category=education, status="active"
    )
    DonorInterest.objects.create(donor=donor, category=education, recorded_by=users["crm_staff"])

    # 1. Identification: the CRM employee picks the programme; the donor comes suggested.
    staff = as_user("crm_staff")
    staff.goto(f"{live_server.url}/opportunities/new/")
    staff.fill("input[name=title]", "تمويل محو الأمية في حي الصفا")
    staff.select_option("select[name=programme]", str(programme.pk))  # reloads with suggestions
    staff.wait_for_selector(f"#donor-{donor.pk}")
    assert staff.is_checked(f"#donor-{donor.pk}")
    assert staff.input_value("input[name=title]") == "تمويل محو الأمية في حي الصفا"
    staff.fill("input[name=expected_amount]", "250000")
    staff.fill("input[name=probability]", "40")
    staff.fill("textarea[name=success_factors]", "اهتمام سابق بالتعليم وزيارة مرتقبة")
    shot(staff, "20-opportunity-create-ar")
    staff.click("button[name=save]")
    staff.wait_for_selector("[data-testid=timeline]")
    opportunity = Opportunity.objects.get()
    opportunity_url = staff.url
    assert opportunity.potentialdonor_set.get().suggested
    assert staff.is_visible("[data-testid=donors] [data-testid=suggested]")

    # The point of contact records a contact: no flag.
    staff.select_option("select[name=contact-donor]", str(donor.pk))
    staff.select_option("select[name=contact-channel]", "phone")
    staff.fill("textarea[name=contact-summary]", "عرض البرنامج على المؤسسة هاتفياً")
    staff.click("[data-testid=contact-form] button[type=submit]")
    staff.wait_for_selector(".alert-success")

    # 2. Resource development contacts the same donor: flagged, the employee is told.
    resources = as_user("resources")
    resources.goto(opportunity_url)
    assert resources.query_selector("[data-testid=actions]") is None  # no moving for them
    resources.select_option("select[name=contact-donor]", str(donor.pk))
    resources.select_option("select[name=contact-channel]", "email")
    resources.fill("textarea[name=contact-summary]", "رسالة عن الوقف التعليمي")
    resources.click("[data-testid=contact-form] button[type=submit]")
    resources.wait_for_selector(".alert-warning")
    shot(resources, "21-contact-flagged-ar")
    flagged = DonorContact.objects.get(staff=users["resources"])
    assert flagged.approval == ContactApproval.PENDING
    assert [email.to for email in mail.outbox] == [[users["crm_staff"].email]]

    # 3. The CRM manager sees it on the my-work page and approves it.
    manager = as_user("crm_manager")
    assert donor.name in manager.inner_text("main")
    manager.goto(f"{live_server.url}/opportunities/contacts/pending/")
    manager.fill("textarea[name=note]", "بالتنسيق مع نقطة الاتصال")
    shot(manager, "22-contacts-pending-ar")
    manager.click("[data-testid=pending-contact] button.btn-success")
    manager.wait_for_selector(".alert-success")
    flagged.refresh_from_db()
    # One of the three approvals (3.1.21): the others are resource development's and the
    # secretary's; the journey of all three is tests/browser/test_contact_request_journey.py.
    assert flagged.approval == ContactApproval.PENDING
    assert flagged.approval_steps.get(party="crm_manager").decided_by == users["crm_manager"]

    # 4. Follow-up, then closing with the signed pledge.
    manager.goto(opportunity_url)
    manager.click("[data-testid=form-start_follow_up] button[type=submit]")
    manager.wait_for_selector("[data-testid=form-close_with_pledge]")
    manager.select_option("select[name=close_with_pledge-pledge_donor]", str(donor.pk))
    manager.fill("input[name=close_with_pledge-pledged_amount]", "200000")
    manager.fill(
        "input[name=close_with_pledge-pledge_date]",
        (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
    )
    manager.set_input_files(
        "input[name=close_with_pledge-pledge_file]",
        files=[{"name": "تعهد.pdf", "mimeType": "application/pdf", "buffer": PLEDGE_PDF}],
    )
    manager.click("[data-testid=form-close_with_pledge] button[type=submit]")
    manager.wait_for_selector("[data-testid=pledge]")
    opportunity.refresh_from_db()
    assert opportunity.state == OpportunityState.CLOSING
    pledge_link = manager.get_attribute("[data-testid=pledge-file]", "href")
    assert pledge_link.endswith(f"/opportunities/{opportunity.pk}/pledge/")
    pledge = manager.request.get(f"{live_server.url}{pledge_link}")
    assert pledge.ok and pledge.body() == PLEDGE_PDF
    shot(manager, "23-opportunity-closing-ar")

    # 5. The finance system's export is imported (dry run, then confirm); the money arrives
    #    and the manager marks the opportunity successful.
    finance_csv = (
        "رقم الإيصال,التاريخ,المبلغ,رقم العميل,رمز البرنامج\r\n"
        f'FIN-2026-0001,{timezone.localdate().isoformat()},"200,000.00",{donor.code},'
        f"{programme.code}\r\n"
        f"FIN-2026-0002,{timezone.localdate().isoformat()},500.00,999999999,{programme.code}\r\n"
    )
    manager.goto(f"{live_server.url}/opportunities/donations/import/")
    manager.set_input_files(
        "input[type=file]",
        files=[{"name": "finance.csv", "mimeType": "text/csv", "buffer": finance_csv.encode()}],
    )
    manager.click("main form button[type=submit]")
    manager.wait_for_selector("form[action$='/donations/import/confirm/']")
    shot(manager, "23b-finance-import-preview-ar")
    manager.click("form[action$='/donations/import/confirm/'] button[type=submit]")
    manager.wait_for_selector(".alert-success")
    assert Donation.objects.get(receipt_number="FIN-2026-0001").donor == donor
    kept_aside = Donation.objects.get(receipt_number="FIN-2026-0002")
    assert kept_aside.donor is None and kept_aside.donor_code_as_imported == "999999999"
    manager.goto(opportunity_url)
    assert "200,000.00" in manager.inner_text("[data-testid=received]")
    manager.click("[data-testid=form-mark_successful] button[type=submit]")
    manager.wait_for_selector(".alert-success")
    opportunity.refresh_from_db()
    assert opportunity.state == OpportunityState.SUCCESSFUL
    assert manager.query_selector("[data-testid=actions]") is None
    assert [step.target for step in opportunity.transitions.all()] == [
        "follow_up",
        "closing",
        "successful",
    ]
    shot(manager, "24-opportunity-successful-ar")

    manager.goto(f"{live_server.url}/opportunities/")
    assert opportunity.title in manager.inner_text("[data-testid=column-successful]")
    shot(manager, "25-opportunities-board-ar")
