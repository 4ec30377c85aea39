"""In Chromium, in Arabic: a support request received by phone goes through steps 1-5 of
seed 003 — reception with the household, the documents checked (one missing, «incomplete»
and its list, then brought), the printed declaration signed and uploaded, a research
committee meeting with the request on its agenda, the member's decision, the minutes closed
and printed as a PDF that reads correctly rendered to an image. Part B's journey
(tests/browser/test_support_service*.py) takes it on to registration and service."""

import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from association.demo import load_demo_data
from support.demo import load_demo_support
from support.models import AgendaItem, CommitteeMeeting, RequestState, SupportRequest
from support.selectors import committee_members
from tests.browser.conftest import SCREENSHOTS, shot

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


def test_a_request_from_a_phone_call_to_the_committee_minutes(as_user, live_server, tmp_path):
    load_demo_data()
    load_demo_support()
    base = live_server.url

    # --- step 1: reception, by a centres-affairs employee ------------------------------------
    staff = as_user("centres_staff")
    staff.goto(f"{base}/support/new/")
    assert staff.get_attribute("html", "dir") == "rtl"
    staff.fill("input[name=applicant_name]", "سلوى محمد الحربي")
    staff.fill("input[name=applicant_national_id]", "١٠٠٠٠٠٠٠٠٨")
    staff.fill("input[name=applicant_mobile]", "٠٥٠١٢٣٤٥٦٧")
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
    staff.click('[data-testid="action-confirm_complete"] button[type=submit]')
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
    officer = as_user("researcher")
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
