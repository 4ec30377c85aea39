"""In Chromium, in Arabic: a support request received by phone goes through the seven steps
of seed 003 — reception with the household, the documents checked (one missing, «incomplete»
and its list, then brought), the referral to the social research officer and the report, the
printed declaration signed and uploaded, a research committee meeting with the request on its
agenda, the member's decision, the minutes closed and printed as a PDF that reads correctly
rendered to an image, the applicant registered through the customers' form (the CRM manager's
approval, the steward's entry), the support delivered, and the beneficiary served invited to
the satisfaction survey. tests/browser/test_support_service.py files a request from the
public page and runs a distribution day."""

import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from association.demo import load_demo_data
from customers import services as customer_services
from messaging.services import consents_record
from support.demo import load_demo_support
from support.models import AgendaItem, CommitteeMeeting, Delivery, RequestState, SupportRequest
from support.selectors import committee_members
from surveys.models import Invitation
from tests.browser.conftest import SCREENSHOTS, shot
from tests.surveys.helpers import collecting_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def arabic(message, context=None):
    with translation.override("ar"):
        if context:
            return translation.pgettext(context, message)
        return translation.gettext(message)


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"the page scrolls sideways ({width}px > {viewport}px)"


def designate_the_steward():
    """As the CRM manager does when the system starts (customers.demo)."""
    users = {user.username: user for user in get_user_model().objects.all()}
    customer_services.steward_designation_change(
        actor=users["crm_manager"],
        steward=users["steward"],
        deputy=users["deputy_steward"],
        steward_absent=False,
        reason="تعيين مسؤول قاعدة بيانات العملاء ونائبه",
    )


def test_a_request_from_a_phone_call_to_the_service_and_the_survey(as_user, live_server, tmp_path):
    load_demo_data()
    load_demo_support()
    designate_the_steward()
    base = live_server.url

    # --- step 1: reception, by a centres-affairs employee ------------------------------------
    staff = as_user("centres_staff")
    staff.goto(f"{base}/support/new/")
    assert staff.get_attribute("html", "dir") == "rtl"
    staff.fill("input[name=applicant_name]", "سلوى محمد الحربي")
    staff.fill("input[name=applicant_national_id]", "١٠٠٠٠٠٠٠٠٨")
    staff.fill("input[name=applicant_mobile]", "٠٥٥٤٤٣٣٢٢١")
    staff.select_option("select[name=channel]", "phone")
    staff.select_option("select[name=support_type]", label="سلة غذائية")
    staff.select_option("select[name=centre]", label="مركز حي الصفا")
    staff.fill("textarea[name=need]", "أرملة تعول أربعة أبناء وتحتاج سلة غذائية شهرية.")
    staff.fill("input[name=household-0-name]", "محمد خالد الحربي")
    staff.select_option("select[name=household-0-relation]", "son")
    staff.click('[data-testid="submit-request"]')
    staff.wait_for_selector('[data-testid="request-dates"]')
    support_request = SupportRequest.objects.get(applicant_name="سلوى محمد الحربي")
    assert support_request.channel == "phone"
    assert support_request.household.count() == 1
    assert support_request.tracking_number in staff.inner_text("h1")
    assert arabic("earliest answer date") in staff.inner_text('[data-testid="request-dates"]')
    shot(staff, "support_request_received")

    # --- step 2: the documents; the income proof is missing --------------------------------
    staff.click('[data-testid="documents-link"]')
    rows = staff.locator('[data-testid="document-row"]')
    for index in range(rows.count()):
        row = rows.nth(index)
        if "إثبات الدخل" in row.inner_text():
            continue
        row.locator("input[name^=present_]").check()
        row.locator("input[name^=legible_]").check()
        if row.locator("input[name^=expires_]").count():
            row.locator("input[name^=expires_]").fill("٢٠/١١/٢٠٢٨")
    staff.click('[data-testid="save-documents"]')
    staff.wait_for_selector('[data-testid="actions"]')
    staff.click('[data-testid="action-mark_incomplete"] button[type=submit]')
    staff.wait_for_selector('[data-testid="incomplete-list"]')
    assert "إثبات الدخل" in staff.inner_text('[data-testid="incomplete-list"]')
    support_request.refresh_from_db()
    assert support_request.state == RequestState.INCOMPLETE

    # The applicant brings it: every document valid, the request complete.
    staff.click('[data-testid="documents-link"]')
    rows = staff.locator('[data-testid="document-row"]')
    for index in range(rows.count()):
        rows.nth(index).locator("input[name^=present_]").check()
        rows.nth(index).locator("input[name^=legible_]").check()
    staff.click('[data-testid="save-documents"]')
    staff.wait_for_selector('[data-testid="actions"]')

    # --- step 3: the procedures are unclear to her: referred to the research officer -------
    staff.click('details:has([data-testid="action-refer"]) summary')
    staff.fill('[data-testid="action-refer"] textarea', "لم تتضح لها إجراءات الصرف الشهري")
    staff.click('[data-testid="action-refer"] button[type=submit]')
    staff.wait_for_selector('[data-testid="action-refer"]', state="detached")
    support_request.refresh_from_db()
    assert support_request.state == RequestState.RESEARCH
    officer = as_user("researcher")
    officer.goto(f"{base}/support/{support_request.pk}/")
    officer.click('[data-testid="research-link"]')
    officer.select_option("select[name=contact_method]", "visit")
    officer.fill("input[name=contacted_on]", timezone.localdate().strftime("%d/%m/%Y"))
    officer.fill("textarea[name=questions_answered]", "شرحنا لها إجراءات الصرف الشهري.")
    officer.fill("input[name=household_size]", "٥")
    officer.fill("input[name=monthly_income]", "١٢٠٠")
    officer.select_option("select[name=housing_type]", "rented")
    officer.fill("textarea[name=findings]", "الأسرة بلا عائل ودخلها الضمان الاجتماعي فقط.")
    officer.select_option("select[name=recommendation]", "accept")
    officer.click('[data-testid="save-research"]')
    officer.wait_for_selector('[data-testid="research-report"]')
    officer.click('[data-testid="action-finish_research"] button[type=submit]')
    officer.wait_for_selector('[data-testid="action-finish_research"]', state="detached")
    support_request.refresh_from_db()
    assert support_request.state == RequestState.AWAITING_DECLARATION
    staff.goto(f"{base}/support/{support_request.pk}/")
    staff.wait_for_selector('[data-testid="declaration-pdf"]')

    # --- step 4: the printed declaration, signed and uploaded ------------------------------
    with staff.expect_download() as download:
        staff.click('[data-testid="declaration-pdf"]')
    declaration = tmp_path / "declaration.pdf"
    download.value.save_as(declaration)
    assert declaration.read_bytes().startswith(b"%PDF")
    scan = tmp_path / "signed.pdf"
    scan.write_bytes(PDF)
    staff.set_input_files('[data-testid="action-declare"] input[type=file]', str(scan))
    staff.click('[data-testid="action-declare"] button[type=submit]')
    staff.wait_for_selector('[data-testid="declaration"]')
    support_request.refresh_from_db()
    assert support_request.state == RequestState.READY
    assert arabic("Ready for the committee") in staff.inner_text('[data-testid="request-state"]')

    # --- step 5: a meeting, the agenda, the decision, the minutes --------------------------
    officer.goto(f"{base}/support/committee/new/")
    officer.fill("input[name=meets_at]", "15/12/2026 10:00")
    officer.fill("input[name=place]", "مقر الجمعية")
    officer.click("form.card button[type=submit]")
    officer.wait_for_selector('[data-testid="agenda-add"]')
    meeting = CommitteeMeeting.objects.order_by("-number").first()
    officer.select_option("select[name=add-support_request]", str(support_request.pk))
    officer.click('[data-testid="add-to-agenda"]')
    officer.wait_for_selector('[data-testid="agenda-item"]')
    item = AgendaItem.objects.get(meeting=meeting)

    member = as_user("committee")
    member.goto(f"{base}/support/committee/{meeting.pk}/")
    member.click(f"#item-{item.pk} summary")
    member.check(f"#id_item{item.pk}-outcome_0")
    member.fill(f"input[name=item{item.pk}-granted_quantity]", "١")
    member.fill(f"textarea[name=item{item.pk}-note]", "سلة غذائية شهرية لمدة ستة أشهر")
    member.click(f"#item-{item.pk} [data-testid=decide]")
    member.wait_for_selector('[data-testid="item-outcome"]')
    assert arabic("Accepted", "support request") in member.inner_text(f"#item-{item.pk}")
    support_request.refresh_from_db()
    assert support_request.state == RequestState.ACCEPTED

    officer.goto(f"{base}/support/committee/{meeting.pk}/")
    committee = committee_members().get(username="committee")
    officer.check(f"input[name=close-members_present][value='{committee.pk}']")
    officer.fill("textarea[name=close-minutes_note]", "لا توجد أعمال أخرى.")
    officer.on("dialog", lambda dialog: dialog.accept())
    officer.click('[data-testid="close-minutes"]')
    officer.wait_for_selector('[data-testid="minutes-pdf"]')
    shot(officer, "support_meeting_held")
    with officer.expect_download() as download:
        officer.click('[data-testid="minutes-pdf"]')
    minutes = tmp_path / "minutes.pdf"
    download.value.save_as(minutes)
    assert minutes.read_bytes().startswith(b"%PDF")
    # The minutes render to an image (Arabic shaped by WeasyPrint with the embedded fonts).
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / "support_minutes"
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(minutes), str(target)], check=True)
    assert Path(f"{target}-1.png").stat().st_size > 10_000
    text = subprocess.run(
        ["pdftotext", str(minutes), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "محضر لجنة البحث" in text and support_request.tracking_number in text

    # The request page on a phone: no sideways scroll.
    staff.set_viewport_size({"width": 390, "height": 844})
    staff.goto(f"{base}/support/{support_request.pk}/")
    no_sideways_scroll(staff)
    shot(staff, "support_request_accepted_phone")
    staff.set_viewport_size({"width": 1280, "height": 900})

    # --- step 6: registered through the customers' create form by the CRM staff ------------
    assert staff.is_visible('[data-testid="registered-by-crm"]')  # not by centres affairs
    crm = as_user("crm_staff")
    crm.goto(f"{base}/support/{support_request.pk}/")
    crm.click('[data-testid="register-applicant"]')
    assert crm.input_value("input[name=name]") == "سلوى محمد الحربي"
    crm.click("button[name=submit_form]")
    crm.wait_for_selector('[data-testid="customer-form"]')
    form_url = crm.locator('[data-testid="customer-form"] a').get_attribute("href")
    manager = as_user("crm_manager")
    manager.goto(f"{base}{form_url}")
    manager.click("[data-testid=actions] button.btn-success")
    manager.wait_for_selector(".alert-success")
    steward = as_user("steward")
    steward.goto(f"{base}{form_url}")
    steward.click("[data-testid=actions] button")
    steward.wait_for_selector("[data-testid=new-code]")
    support_request.refresh_from_db()
    assert support_request.state == RequestState.REGISTERED
    assert support_request.customer.name == "سلوى محمد الحربي"

    # --- step 7: the support delivered ------------------------------------------------------
    staff.goto(f"{base}/support/{support_request.pk}/")
    staff.fill("input[name=delivery-quantity]", "١")
    staff.click('[data-testid="delivery-submit"]')
    staff.wait_for_selector('[data-testid="deliveries"] li')
    support_request.refresh_from_db()
    assert support_request.state == RequestState.IN_SERVICE
    assert Delivery.objects.filter(request=support_request, quantity=1).exists()
    shot(staff, "support_request_in_service")

    # --- after service: invited to the satisfaction survey by the quality officer ------------
    beneficiary = support_request.customer
    consents_record(  # she agreed on the phone
        customer_id=beneficiary.pk,
        changes={"sms.surveys": True},
        at=timezone.now(),
        source="phone",
    )
    survey_round = collecting_round(centres=[support_request.centre])
    quality = as_user("quality")
    quality.goto(f"{base}/surveys/{survey_round.pk}/invitations/")
    quality.select_option("select[name=source]", "support_deliveries")
    today = timezone.localdate().strftime("%d/%m/%Y")
    quality.fill("input[name=served_from]", today)
    quality.fill("input[name=served_to]", today)
    quality.click("main form button[type=submit]")
    quality.wait_for_selector(".alert-success")
    assert Invitation.objects.filter(round=survey_round, customer=beneficiary).exists()
