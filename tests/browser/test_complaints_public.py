"""In Chromium, on a phone-sized screen, in Arabic: a member of the public files a
suggestion on the public page, gets a tracking number and looks its status up with the
mobile; once a staff member has recorded the reply, the lookup shows it."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import translation

from association.demo import load_demo_data
from complaints import services
from complaints.models import Case, FaqEntry
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        locale="ar-SA", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def arabic(message):
    with translation.override("ar"):
        return translation.gettext(message)


def assert_fits_the_phone(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways ({width}px)"


def test_public_files_a_suggestion_and_follows_it_up(phone, live_server):
    load_demo_data()
    staff = get_user_model().objects.get(username="crm_staff")
    FaqEntry.objects.create(
        question="ما مواعيد عمل المراكز؟",
        answer="من الأحد إلى الخميس، من الثامنة صباحاً حتى الرابعة عصراً.",
        state="published",
        proposed_by=staff,
        times_used=7,
    )

    phone.goto(f"{live_server.url}/public/cases/new/")
    assert phone.get_attribute("html", "dir") == "rtl"
    assert_fits_the_phone(phone)
    phone.click("label[for=id_kind_2]")  # suggestion
    phone.check("input[name=contact_kind][value=other]")
    phone.fill("input[name=name]", "أم خالد الحربي")
    phone.fill("input[name=mobile]", "٠٥٥٩٨")  # too short
    phone.fill("input[name=subject]", "تمديد ساعات عمل المركز")
    phone.fill("textarea[name=description]", "نقترح فتح المركز مساء يوم الخميس لخدمة الموظفات.")
    phone.click("[data-testid=public-case-form] button[type=submit]")
    phone.wait_for_selector("[data-testid=form-errors]")
    assert arabic("Enter a valid Saudi mobile number, e.g. 05XXXXXXXX.") in phone.inner_text("main")
    assert not Case.objects.exists()
    assert_fits_the_phone(phone)
    shot(phone, "public_0_form_errors")

    # The form comes back filled in; only the mobile needs fixing.
    assert phone.input_value("input[name=subject]") == "تمديد ساعات عمل المركز"
    phone.fill("input[name=mobile]", "٠٥٥٩٨٧٦٥٤٣")  # typed with Arabic-Indic digits
    shot(phone, "public_1_form")
    phone.click("[data-testid=public-case-form] button[type=submit]")

    phone.wait_for_selector("[data-testid=tracking-number]")
    tracking_number = phone.inner_text("[data-testid=tracking-number]").strip()
    case = Case.objects.get()
    assert tracking_number == case.tracking_number
    assert case.kind == "suggestion"
    assert case.channel == "website"
    assert case.registered_by is None
    assert "/thanks/" in phone.url and tracking_number not in phone.url
    assert_fits_the_phone(phone)
    shot(phone, "public_2_thanks")

    phone.click("main a[href$='/public/cases/track/']")
    phone.wait_for_selector("[data-testid=track-form]")
    # The number comes prefilled from the session; the person types the mobile.
    assert phone.input_value("input[name=tracking_number]") == tracking_number
    phone.fill("input[name=mobile]", "0559876543")
    phone.click("[data-testid=track-form] button[type=submit]")
    phone.wait_for_selector("[data-testid=track-result]")
    assert "تمديد ساعات عمل المركز" in phone.inner_text("[data-testid=track-result]")
    assert phone.inner_text("[data-testid=public-status]").strip() == arabic("Received by us")
    assert phone.query_selector("[data-testid=public-reply]") is None
    assert "0559876543" not in phone.url
    assert_fits_the_phone(phone)
    shot(phone, "public_3_status_received")

    # The employee promises a callback, then records the reply given on the phone.
    services.case_promise_callback(case=case, actor=staff)
    case.refresh_from_db()
    services.case_record_reply(
        case=case,
        actor=staff,
        reply="شكراً لاقتراحك، سيُعرض على إدارة المراكز في اجتماعها القادم.",
    )

    phone.fill("input[name=tracking_number]", tracking_number.lower())
    phone.fill("input[name=mobile]", "+966 55 987 6543")
    phone.click("[data-testid=track-form] button[type=submit]")
    phone.wait_for_selector("[data-testid=public-reply]")
    assert "سيُعرض على إدارة المراكز" in phone.inner_text("[data-testid=public-reply]")
    assert phone.inner_text("[data-testid=public-status]").strip() == arabic("Answered")
    assert_fits_the_phone(phone)
    shot(phone, "public_4_status_answered")

    # A wrong mobile gets the neutral answer, nothing of the case.
    phone.fill("input[name=tracking_number]", tracking_number)
    phone.fill("input[name=mobile]", "0551111111")
    phone.click("[data-testid=track-form] button[type=submit]")
    phone.wait_for_selector("[data-testid=not-found]")
    assert phone.query_selector("[data-testid=track-result]") is None

    phone.click("header a[href$='/public/faq/']")
    phone.wait_for_selector("[data-testid=faq-list]")
    phone.fill("input[name=q]", "مواعيد عمل")
    phone.click("[data-testid=faq-search] button[type=submit]")
    phone.wait_for_selector("[data-testid=faq-entry]")
    assert "من الأحد إلى الخميس" in phone.inner_text("[data-testid=faq-list]")
    assert_fits_the_phone(phone)
    shot(phone, "public_5_faq")
