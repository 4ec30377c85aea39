"""In Chromium, in Arabic, on a 390 px phone: a staff member ticks consents in the form's
grid, the manager approves, the steward enters; the profile's «الموافقات» card shows them;
the person withdraws marketing by the unsubscribe link and the card shows it at once."""

import pytest

from association.demo import DEMO_PASSWORD, load_demo_data
from customers.demo import load_demo_customers
from customers.models import Customer
from messaging import selectors
from messaging.tokens import unsubscribe_url
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def phone_user(browser, live_server, username):
    context = browser.new_context(locale="ar-SA", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(30000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("h1")
    return context, page


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_consents_from_the_form_to_the_profile_and_out_by_the_link(browser, live_server):
    load_demo_data()
    load_demo_customers()
    contexts = []
    try:
        context, staff = phone_user(browser, live_server, "crm_staff")
        contexts.append(context)
        staff.goto(f"{live_server.url}/customers/forms/new/")
        staff.fill("input[name=name]", "ريم عبدالله الحربي")
        staff.select_option("select[name=kind]", "beneficiary")
        staff.fill("input[name=mobile]", "0501239876")
        staff.fill("input[name=email]", "reem@example.org")
        staff.check("input[name=consent_sms_marketing]")
        staff.check("input[name=consent_email_surveys]")
        staff.fill("input[name=consent_date]", "01/12/2026")
        staff.fill("input[name=consent_source]", "استمارة ورقية في مركز الحي")
        staff.fill("textarea[name=reason]", "مستفيدة جديدة")
        no_sideways_scroll(staff)
        shot(staff, "consent-10-form-grid-390")
        staff.click("button[name=submit_form]")
        staff.wait_for_selector("[data-testid=line]")
        form_url = staff.url
        assert "رسائل الجوال القصيرة: التسويق والحملات" in staff.inner_text("[data-testid=line]")

        context, manager = phone_user(browser, live_server, "crm_manager")
        contexts.append(context)
        manager.goto(form_url)
        manager.click("[data-testid=actions] button.btn-success")
        manager.wait_for_selector(".alert-success")

        context, steward = phone_user(browser, live_server, "steward")
        contexts.append(context)
        steward.goto(form_url)
        steward.click("[data-testid=actions] button")
        steward.wait_for_selector("[data-testid=new-code]")

        customer = Customer.objects.get(name="ريم عبدالله الحربي")
        assert selectors.may_message(customer, "sms", "marketing")
        staff.goto(f"{live_server.url}/customers/{customer.pk}/")
        card = staff.inner_text("[data-testid=consents-panel]")
        assert card.count("ممنوحة") >= 2
        no_sideways_scroll(staff)
        shot(staff, "consent-11-profile-card-390")

        # The person, on their phone, with no account.
        visitor_context = browser.new_context(locale="ar-SA", viewport=PHONE)
        contexts.append(visitor_context)
        visitor = visitor_context.new_page()
        visitor.goto(f"{live_server.url}{unsubscribe_url(customer, 'sms', 'marketing')}")
        assert "هل تريد إيقاف هذه الرسائل؟" in visitor.inner_text("main")
        no_sideways_scroll(visitor)
        shot(visitor, "consent-12-unsubscribe-390")
        visitor.click("[data-testid=unsubscribe-confirm]")
        visitor.wait_for_selector("[data-testid=unsubscribe-done]")
        shot(visitor, "consent-13-unsubscribed-390")
        assert not selectors.may_message(customer, "sms", "marketing")

        staff.reload()
        assert "رابط إلغاء الاشتراك" in staff.inner_text("[data-testid=consents-panel]")
    finally:
        for context in contexts:
            context.close()
