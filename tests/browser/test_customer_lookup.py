"""In Chromium, in Arabic: a CRM employee registering a case types part of a donor's name
(with its tashkeel and another hamza), picks the suggestion and registers; the list ends
with the link to register a new customer; the field fits a phone. Without JavaScript the
same field takes the customer code."""

import pytest

from association.demo import load_demo_data
from complaints.models import Case
from customers.demo import load_demo_customers
from customers.models import Customer
from tests.browser.conftest import choose_customer, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def donor():
    load_demo_data()
    load_demo_customers()
    return Customer.objects.get(name="مؤسسة عبدالله الخيرية")


def _fill_case(page, subject):
    page.select_option("select[name=kind]", "inquiry")
    page.select_option("select[name=channel]", "phone")
    page.fill("input[name=subject]", subject)
    page.fill("textarea[name=description]", "سأل المانح عن تقرير البرنامج الذي دعمه.")


def test_staff_find_a_donor_by_part_of_the_name_and_register_a_case(as_user, live_server, donor):
    page = as_user("crm_staff")
    errors = []
    page.on("console", lambda line: errors.append(line.text) if line.type == "error" else None)
    page.goto(f"{live_server.url}/complaints/new/")
    _fill_case(page, "سؤال عن تقرير البرنامج")

    control = page.locator("input[name=customer_code] + .ts-wrapper .ts-control input")
    control.click()
    control.press_sequentially("عَبدالله", delay=20)  # tashkeel typed, none stored
    dropdown = page.locator("input[name=customer_code] + .ts-wrapper .ts-dropdown")
    dropdown.locator(".option", has_text=str(donor.code)).wait_for()
    assert "050 111 0001" in dropdown.inner_text()  # the mobile shown the local way
    new_link = dropdown.locator(".lookup-new a")
    assert new_link.inner_text() == "لم يُعثر عليه؟ سجّل عميلًا جديدًا"
    assert new_link.get_attribute("href") == "/customers/forms/new/"
    shot(page, "lookup-01-suggestions-ar")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, "lookup-01-suggestions-390-ar")
    page.set_viewport_size({"width": 1280, "height": 900})

    dropdown.locator(".option", has_text=str(donor.code)).first.click()
    assert page.input_value("input[name=customer_code]") == str(donor.code)
    page.click("form[enctype] button[type=submit]")
    page.wait_for_selector("[data-testid=state]")
    case = Case.objects.get(subject="سؤال عن تقرير البرنامج")
    assert case.customer == donor
    assert errors == []


def test_a_refused_form_keeps_the_chosen_customer(as_user, live_server, donor):
    page = as_user("crm_staff")
    page.goto(f"{live_server.url}/complaints/new/")
    choose_customer(page, "customer_code", "موسسة عبد", str(donor.code))  # ؤ typed as و
    page.click("form[enctype] button[type=submit]")  # no kind, channel, subject: refused
    page.wait_for_selector(".invalid-feedback, .alert-danger")
    chosen = page.locator("input[name=customer_code] + .ts-wrapper .item")
    assert donor.name in chosen.inner_text()


def test_without_javascript_the_field_takes_the_customer_code(browser, live_server, donor):
    from association.demo import DEMO_PASSWORD

    context = browser.new_context(locale="ar-SA", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "crm_staff")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.goto(f"{live_server.url}/complaints/new/")
    _fill_case(page, "سؤال بلا جافاسكربت")
    arabic_indic = str(donor.code).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    page.fill("input[name=customer_code]", arabic_indic)
    page.click("form[enctype] button[type=submit]")
    page.wait_for_selector("[data-testid=state]")
    assert Case.objects.get(subject="سؤال بلا جافاسكربت").customer == donor
    context.close()


def test_the_centre_list_follows_the_chosen_city(as_user, live_server):
    from association.models import Centre

    load_demo_data()
    page = as_user("crm_staff")
    page.goto(f"{live_server.url}/customers/forms/new/")
    centres = page.locator("select[name$=centre] option:not([value=''])")
    assert centres.count() == Centre.objects.filter(is_active=True).count()
    for city in ("مكة المكرمة", "جدة"):
        page.select_option("select[name$=city]", label=city)
        expected = Centre.objects.filter(is_active=True, city__name=city)
        assert sorted(centres.all_inner_texts()) == sorted(c.name for c in expected)
