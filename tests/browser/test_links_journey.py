"""In Chromium, in Arabic: the CRM manager makes a tracked link for a leaflet; a person
scans it on a phone, lands on the public form with the UTM parameters and files a
suggestion; the link's page then shows the visit, the unique visitor and the case, at
1280 px and on a 390 px phone. An expired link shows its friendly page on the phone."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from association.demo import load_demo_data
from complaints.models import Case
from links.models import LinkVisit, TrackedLink
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# Headless Chromium says "HeadlessChrome": an automated client, not counted (links.services).
PHONE_AGENT = "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 Chrome/124 Mobile"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        locale="ar-SA",
        viewport=PHONE,
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
        user_agent=PHONE_AGENT,
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    yield page
    context.close()


def assert_fits(page, width):
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page scrolls sideways ({scroll}px)"


def test_a_leaflet_link_from_creation_to_an_attributed_case(as_user, phone, live_server):
    load_demo_data()
    manager = as_user("crm_manager")
    manager.goto(f"{live_server.url}/links/new/")
    manager.fill("input[name=label]", "مطوية مركز حي الصفا")
    manager.fill("input[name=target]", "/public/cases/new/")
    manager.fill("input[name=utm_source]", "leaflet")
    manager.fill("input[name=utm_medium]", "print")
    manager.click("main form button[type=submit]")
    manager.wait_for_selector("[data-testid=short-url]")
    link = TrackedLink.objects.get(label="مطوية مركز حي الصفا")
    assert manager.inner_text("[data-testid=short-url]").strip().endswith(f"/c/{link.code}")

    phone.goto(f"{live_server.url}/c/{link.code}")
    assert phone.url.startswith(f"{live_server.url}/public/cases/new/?")
    assert "utm_source=leaflet" in phone.url and "utm_medium=print" in phone.url
    phone.click("label[for=id_kind_2]")  # suggestion
    phone.check("input[name=contact_kind][value=other]")
    phone.fill("input[name=name]", "أم خالد")
    phone.fill("input[name=mobile]", "0559876543")
    phone.fill("input[name=subject]", "تمديد ساعات المركز")
    phone.fill("textarea[name=description]", "نقترح فتح المركز مساء الخميس")
    phone.click("[data-testid=public-case-form] button[type=submit]")
    phone.wait_for_selector("[data-testid=filed]")
    case = Case.objects.get(subject="تمديد ساعات المركز")
    assert case.source_link == link
    assert LinkVisit.objects.filter(link=link).count() == 1

    manager.goto(f"{live_server.url}/links/{link.pk}/")
    assert manager.inner_text("[data-testid=visits-total]").strip() == "1"
    assert manager.inner_text("[data-testid=unique-total]").strip() == "1"
    assert case.tracking_number in manager.inner_text("[data-testid=outcome]")
    assert_fits(manager, 1280)
    shot(manager, "links_detail_1280")
    manager.set_viewport_size(PHONE)
    manager.reload()
    assert_fits(manager, PHONE["width"])
    shot(manager, "links_detail_390")
    manager.set_viewport_size({"width": 1280, "height": 900})
    manager.goto(f"{live_server.url}/links/")
    shot(manager, "links_list_1280")

    staff = as_user("crm_staff")
    staff.goto(f"{live_server.url}/complaints/{case.pk}/")
    assert "مطوية مركز حي الصفا" in staff.inner_text("[data-testid=source-link]")
    assert "الوصول عن طريق" in staff.inner_text("main")


def test_an_expired_link_shows_its_friendly_page(browser, phone, live_server):
    load_demo_data()
    link = TrackedLink.objects.create(
        code="Expired7",
        label="لوحة الصيف",
        target="/public/faq/",
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    response = phone.goto(f"{live_server.url}/c/{link.code}")
    assert response.status == 410
    assert phone.inner_text("h1").strip() == "انتهى هذا الرابط"
    assert_fits(phone, PHONE["width"])
    shot(phone, "links_expired_390")
    desktop = browser.new_context(locale="ar-SA", viewport={"width": 1280, "height": 800})
    page = desktop.new_page()
    page.goto(f"{live_server.url}/c/{link.code}")
    shot(page, "links_expired_1280")
    desktop.close()
    assert LinkVisit.objects.count() == 0
