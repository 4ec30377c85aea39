"""In Chromium, in Arabic (issue 10 items 2, 3 and 18): a centres-affairs employee registers
a phone complaint from an unknown beneficiary of her centre and it lands in her centre's
queue; a donor's call she takes goes to the CRM department and she still reads it; a CRM
employee refers a case to her centre and she finds it on "عملي"; a public filing from a
known donor's mobile is a possible match until CRM staff confirm it, then it is on the
donor's profile."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from association.demo import load_demo_data
from association.models import Centre
from complaints import services
from complaints.models import Case, CaseEventKind, CaseRoute
from customers.demo import load_demo_customers
from customers.models import Customer
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def assert_fits(page, width):
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page scrolls sideways ({scroll}px at {width}px)"


def both_widths(page, name):
    """Screenshots at 1280 and 390 px, with no sideways scroll on the phone."""
    page.set_viewport_size(DESKTOP)
    shot(page, f"{name}_1280")
    page.set_viewport_size(PHONE)
    assert_fits(page, PHONE["width"])
    shot(page, f"{name}_390")
    page.set_viewport_size(DESKTOP)


def open_form(page, live_server, *, kind, contact_kind, centre=None, **fields):
    page.goto(f"{live_server.url}/complaints/new/")
    page.select_option("select[name=kind]", kind)
    page.select_option("select[name=channel]", "phone")
    page.check(f"input[name=contact_kind][value={contact_kind}]")
    if centre is not None:
        page.select_option("select[name=centre]", str(centre.pk))
    for name, value in fields.items():
        selector = "textarea" if name == "description" else "input"
        page.fill(f"{selector}[name={name}]", value)


def test_centres_staff_register_refer_and_follow_cases(as_user, live_server):
    load_demo_data()
    load_demo_customers()
    safa = Centre.objects.get(name="مركز حي الصفا")

    staff = as_user("centres_staff")
    open_form(
        staff,
        live_server,
        kind="complaint",
        contact_kind="beneficiary",
        centre=safa,
        contact_name="أم سعد الغامدي",
        contact_mobile="0551239876",
        subject="لم تصل السلة الغذائية",
        description="اتصلت المستفيدة وذكرت أن السلة الغذائية لم تصل هذا الشهر.",
    )
    both_widths(staff, "routing_01_register_unknown_beneficiary")
    staff.click("form[enctype] button[type=submit]")
    staff.wait_for_selector("[data-testid=state]")
    case = Case.objects.get(subject="لم تصل السلة الغذائية")
    assert case.routed_to == CaseRoute.CENTRES and case.centre == safa
    assert case.contact_kind == "beneficiary"
    assert "قسم شؤون المراكز – مركز حي الصفا" in staff.inner_text("[data-testid=routed-to]")
    assert "مستفيد من أحد المراكز" in staff.inner_text("[data-testid=contact-kind]")
    assert staff.is_visible("[data-testid=actions]")
    assert staff.query_selector("[data-testid=action-refer]") is not None
    both_widths(staff, "routing_02_in_her_centres_queue")

    # A donor calls the centre: the case goes to CRM, she keeps reading it.
    open_form(
        staff,
        live_server,
        kind="inquiry",
        contact_kind="donor",
        centre=safa,
        contact_name="ماجد العتيبي",
        contact_mobile="0553334455",
        subject="كيف أدعم برنامج الأسر المنتجة؟",
        description="متبرع يسأل عن طريقة دعم البرنامج.",
    )
    staff.click("form[enctype] button[type=submit]")
    staff.wait_for_selector("[data-testid=read-only]")
    donor_case = Case.objects.get(subject="كيف أدعم برنامج الأسر المنتجة؟")
    assert donor_case.routed_to == CaseRoute.CRM
    assert "أُحيل إلى إدارة علاقات العملاء" in staff.inner_text("[data-testid=read-only]")
    assert staff.query_selector("[data-testid=actions]") is None
    assert staff.query_selector("[data-testid=action-refer]") is None
    both_widths(staff, "routing_03_donor_case_read_only")

    # A CRM employee refers a case to her centre with a note.
    crm_user = get_user_model().objects.get(username="crm_staff")
    crm_case = services.case_register(
        actor=crm_user,
        kind="complaint",
        channel="email",
        subject="مدخل قاعة الأنشطة غير مهيأ",
        description="رسالة من أحد الأهالي عن مدخل قاعة الأنشطة.",
        contact_name="أبو عبدالله القرشي",
        contact_kind="other",
        centre=safa,
    )
    crm = as_user("crm_staff")
    crm.goto(f"{live_server.url}/complaints/{crm_case.pk}/")
    crm.click("details:has([data-testid=action-refer]) > summary")
    crm.select_option("[data-testid=action-refer] select[name=department]", "centres")
    crm.select_option("[data-testid=action-refer] select[name=centre]", str(safa.pk))
    crm.fill("[data-testid=action-refer] textarea[name=note]", "المدخل تابع للمركز: يرجى التنسيق.")
    both_widths(crm, "routing_04_refer_form")
    crm.click("[data-testid=action-refer] button[type=submit]")
    crm.wait_for_selector(".alert-success")
    assert "أُحيل الطلب إلى قسم شؤون المراكز – مركز حي الصفا" in crm.inner_text("main")
    assert crm_case.events.get().kind == CaseEventKind.REFERRED

    staff.goto(f"{live_server.url}/")
    staff.wait_for_selector("h1")
    assert "أُحيل إليكم حديثًا" in staff.inner_text("main")
    assert crm_case.tracking_number in staff.inner_text("main")
    both_widths(staff, "routing_05_my_work_newly_referred")
    staff.goto(f"{live_server.url}/complaints/{crm_case.pk}/")
    timeline = staff.inner_text("[data-testid=timeline]")
    assert "المدخل تابع للمركز" in timeline
    assert "من إدارة علاقات العملاء إلى قسم شؤون المراكز – مركز حي الصفا" in timeline
    both_widths(staff, "routing_06_referred_case")


def test_a_public_filing_from_a_donors_mobile_is_confirmed_by_staff(browser, as_user, live_server):
    load_demo_data()
    load_demo_customers()
    donor = Customer.objects.get(mobile="+966501110001")

    context = browser.new_context(
        locale="ar-SA", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    phone = context.new_page()
    phone.set_default_timeout(15000)
    phone.goto(f"{live_server.url}/public/cases/new/")
    phone.click("label[for=id_kind_0]")  # complaint
    phone.check("input[name=contact_kind][value=donor]")
    phone.fill("input[name=name]", "مؤسسة عبدالله الخيرية")
    phone.fill("input[name=mobile]", "٠٥٠١١١٠٠٠١")
    phone.fill("input[name=subject]", "لم يصلنا تقرير البرنامج المدعوم")
    phone.fill("textarea[name=description]", "تبرعنا لبرنامج الحقيبة المدرسية ولم يصلنا التقرير.")
    assert_fits(phone, PHONE["width"])
    shot(phone, "routing_10_public_form_390")
    phone.click("[data-testid=public-case-form] button[type=submit]")
    phone.wait_for_selector("[data-testid=tracking-number]")
    case = Case.objects.get(subject="لم يصلنا تقرير البرنامج المدعوم")
    assert case.customer is None and case.possible_customer == donor
    phone.goto(f"{live_server.url}/public/cases/track/")
    phone.fill("input[name=mobile]", "0501110001")
    phone.click("[data-testid=track-form] button[type=submit]")
    phone.wait_for_selector("[data-testid=track-result]")
    assert str(donor.code) not in phone.inner_text("main")
    assert_fits(phone, PHONE["width"])
    shot(phone, "routing_11_public_track_390")
    context.close()

    crm = as_user("crm_staff")
    crm.goto(f"{live_server.url}/customers/{donor.pk}/")
    assert case.tracking_number not in crm.inner_text("main")
    crm.goto(f"{live_server.url}/complaints/{case.pk}/")
    match = crm.inner_text("[data-testid=possible-match]")
    assert donor.name in match and str(donor.code) in match
    both_widths(crm, "routing_12_possible_match")
    crm.fill("#confirm-note", "تحققت بالاتصال على الرقم المسجل")
    crm.click("#possible-match form[action$='/confirm_match/'] button[type=submit]")
    crm.wait_for_selector(".alert-success")
    assert crm.query_selector("[data-testid=possible-match]") is None
    case.refresh_from_db()
    assert case.customer == donor
    assert case.events.get().kind == CaseEventKind.MATCH_CONFIRMED

    crm.goto(f"{live_server.url}/customers/{donor.pk}/")
    crm.wait_for_selector("[data-testid=cases-panel]")
    assert case.tracking_number in crm.inner_text("[data-testid=cases-panel]")
    both_widths(crm, "routing_13_on_the_donors_profile")
