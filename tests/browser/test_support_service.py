"""In Chromium, in Arabic: (1) a centres-affairs employee runs a distribution day, one
keystroke per beneficiary (scan or type the code or national ID, Enter: recorded, the box
clears and keeps the focus, the running list grows; the same person twice is recorded once);
(2) a member of the public files a support request on a phone with the online declaration,
gets a tracking number and follows the request up with it and the national ID; reception
takes it from the queue, checks the documents, and it is ready for the committee."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import translation

from association.demo import DEMO_PASSWORD, load_demo_data
from association.models import Centre
from customers.models import Customer
from support.demo import load_catalogues
from support.models import Delivery, DistributionDay, SupportRequest, SupportType
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def arabic(message):
    with translation.override("ar"):
        return translation.gettext(message)


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_distribution_day_one_keystroke_per_beneficiary(browser, live_server):
    from playwright.sync_api import expect

    load_demo_data()
    load_catalogues()
    safa = Centre.objects.get(name="مركز حي الصفا")
    people = [
        Customer.objects.create(
            code=880000 + number,
            name=name,
            kind="beneficiary",
            national_id=national_id,
            centre=safa,
        )
        for number, (name, national_id) in enumerate(
            [
                ("منى سعيد القرني", "1000000081"),
                ("عبدالرحمن علي الشهري", "1000000099"),
                ("ريم خالد العمري", "1000000107"),
            ]
        )
    ]
    context = browser.new_context(locale="ar-SA", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "centres_staff")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_selector("h1")

    # A new day from the list of distribution days.
    page.goto(f"{live_server.url}/support/distribution/")
    page.click("[data-testid=new-distribution]")
    page.fill("input[name=title]", "توزيع سلال الشتاء")
    page.select_option("select[name=centre]", str(safa.pk))
    basket = SupportType.objects.get(name="سلة غذائية")
    page.select_option("select[name=support_type]", str(basket.pk))
    page.fill("input[name=quantity]", "١")
    page.click("[data-testid=distribution-create]")
    page.wait_for_selector("[data-testid=entry-form]")
    day = DistributionDay.objects.get(title="توزيع سلال الشتاء")
    assert page.evaluate("document.activeElement.name") == "key"

    box = "[data-testid=entry-key]"
    # One keystroke per person: the scanner types the code, Enter records it.
    page.fill(box, str(people[0].code))
    page.press(box, "Enter")
    page.wait_for_selector("[data-testid=entry-status] [data-status=recorded]")
    assert page.input_value(box) == ""
    assert page.evaluate("document.activeElement.name") == "key"
    # The national ID typed with Arabic-Indic digits.
    page.fill(box, "١٠٠٠٠٠٠٠٩٩")
    page.press(box, "Enter")
    expect(page.locator("[data-entry-count]")).to_have_text("2")
    page.fill(box, str(people[2].code))
    page.press(box, "Enter")
    expect(page.locator("[data-entry-count]")).to_have_text("3")
    # The same person again: told, not recorded twice.
    page.fill(box, str(people[0].code))
    page.press(box, "Enter")
    page.wait_for_selector("[data-testid=entry-status] [data-status=duplicate]")
    assert people[0].name in page.inner_text("[data-testid=entry-status]")
    assert page.locator("[data-testid=entry-row]").count() == 3
    assert Delivery.objects.filter(distribution_day=day).count() == 3
    assert page.get_attribute("html", "dir") == "rtl"
    shot(page, "support_distribution_day_1280")

    # On a phone the page fits; the list survives a reload.
    page.set_viewport_size(PHONE)
    page.reload()
    assert page.locator("[data-testid=entry-row]").count() == 3
    fits(page, PHONE["width"])
    shot(page, "support_distribution_day_390")
    context.close()


def test_the_public_files_a_support_request_on_a_phone_and_follows_it_up(browser, live_server):
    load_demo_data()
    load_catalogues()
    context = browser.new_context(
        locale="ar-SA", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    phone = context.new_page()
    phone.set_default_timeout(20000)
    phone.goto(f"{live_server.url}/public/support/")
    assert phone.get_attribute("html", "dir") == "rtl"
    fits(phone, PHONE["width"])
    phone.click("[data-testid=support-types] label:has-text('سلة غذائية')")
    phone.fill("input[name=name]", "منيرة عبدالله الدوسري")
    phone.fill("input[name=national_id]", "١٠٠٠٠٠٠١١٥")
    phone.fill("input[name=mobile]", "٠٥٥٩٨٧٦٥٤٣")
    phone.fill("textarea[name=need]", "أسرة من ستة أفراد بلا دخل ثابت.")
    # Without the declaration: refused, the form comes back filled in.
    phone.click("[data-testid=public-support-submit]")
    phone.wait_for_selector("[data-testid=form-errors]")
    assert phone.input_value("input[name=name]") == "منيرة عبدالله الدوسري"
    assert not SupportRequest.objects.filter(
        channel="website", applicant_name__contains="منيرة"
    ).exists()
    phone.check("input[name=declared]")
    shot(phone, "support_public_form_390")
    phone.click("[data-testid=public-support-submit]")
    phone.wait_for_selector("[data-testid=tracking-number]")
    number = phone.inner_text("[data-testid=tracking-number]").strip()
    support_request = SupportRequest.objects.get(tracking_number=number)
    assert support_request.declared_at is not None and support_request.registered_by is None
    assert number not in phone.url
    fits(phone, PHONE["width"])
    shot(phone, "support_public_thanks_390")

    phone.click("main a[href$='/public/support/status/']")
    phone.wait_for_selector("[data-testid=status-form]")
    assert phone.input_value("input[name=tracking_number]") == number
    phone.fill("input[name=national_id]", "1000000115")
    phone.click("[data-testid=status-form] button[type=submit]")
    phone.wait_for_selector("[data-testid=status-result]")
    assert phone.inner_text("[data-testid=public-status]").strip() == arabic(
        "Received: we are checking your documents"
    )
    assert "1000000115" not in phone.url
    fits(phone, PHONE["width"])
    shot(phone, "support_public_status_390")

    # Reception takes the request from the queue and checks the documents the applicant
    # brings: with the online declaration given, it is ready for the committee at once (the
    # rest of the journey is tests/browser/test_support_journey.py's).
    staff = browser.new_context(locale="ar-SA", viewport={"width": 1280, "height": 900})
    desk = staff.new_page()
    desk.set_default_timeout(20000)
    desk.goto(f"{live_server.url}/accounts/login/")
    desk.fill("input[name=username]", "crm_staff")
    desk.fill("input[name=password]", DEMO_PASSWORD)
    desk.click("#login-form button[type=submit]")
    desk.wait_for_selector("h1")
    desk.goto(f"{live_server.url}/support/")
    desk.click(f"main a:has-text('{number}')")
    desk.click('[data-testid="documents-link"]')
    rows = desk.locator('[data-testid="document-row"]')
    for index in range(rows.count()):
        row = rows.nth(index)
        row.locator("input[name^=present_]").check()
        row.locator("input[name^=legible_]").check()
        if row.locator("input[name^=expires_]").count():
            row.locator("input[name^=expires_]").fill("٢٠/١١/٢٠٢٨")
    desk.click('[data-testid="save-documents"]')
    desk.wait_for_selector('[data-testid="actions"]')
    desk.click('[data-testid="action-confirm_complete"] button[type=submit]')
    desk.wait_for_selector('[data-testid="action-confirm_complete"]', state="detached")
    support_request.refresh_from_db()
    assert support_request.state == "ready"
    assert support_request.handler.username == "crm_staff"  # taken by who acted first
    staff.close()

    phone.click("[data-testid=status-form] button[type=submit]")
    phone.wait_for_selector("[data-testid=status-result]")
    assert phone.inner_text("[data-testid=public-status]").strip() != arabic(
        "Received: we are checking your documents"
    )
    context.close()
    assert get_user_model().objects.filter(username="centres_staff").exists()
