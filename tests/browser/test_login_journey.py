"""A staff member logs in through the real page in Chromium and sees Arabic, right to left."""

import pytest

from association.demo import DEMO_PASSWORD, load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("[data-testid=empty-work]")


def test_staff_member_logs_in_and_sees_arabic_rtl(page, live_server, screenshot):
    load_demo_data()
    page.goto(f"{live_server.url}/")
    assert page.get_attribute("html", "dir") == "rtl"
    screenshot("01-login-ar")

    log_in(page, live_server, "crm_staff")
    assert page.get_attribute("html", "lang") == "ar"
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert "عملي" in page.inner_text("h1")
    nav = page.inner_text("nav")
    for pillar in ("التسويق", "الشكاوى والاستفسارات والاقتراحات", "العملاء", "التقارير"):
        assert pillar in nav
    # The bundled Arabic font and the icon font really load from static/.
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px \"Noto Sans Arabic\"', 'عملي')")
    assert page.evaluate(
        "[...document.fonts].some(f => f.family.includes('bootstrap-icons') "
        "&& f.status === 'loaded')"
    )
    # Right to left: the brand sits on the right-hand side of the bar.
    brand = page.locator(".navbar-brand").bounding_box()
    assert brand["x"] > 1280 / 2
    screenshot("02-my-work-ar")

    page.click("[data-testid=language-switch] button[value=en]")
    page.wait_for_selector("html[lang=en]")
    assert page.get_attribute("html", "dir") == "ltr"
    assert "My work" in page.inner_text("h1")
    screenshot("03-my-work-en")


def test_administrator_uses_the_admin_in_arabic(page, live_server, screenshot):
    load_demo_data()
    page.goto(f"{live_server.url}/admin/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit], form input[type=submit]")
    page.wait_for_selector("#site-name")
    assert page.get_attribute("html", "dir") == "rtl"
    assert "إدارة نظام علاقات العملاء" in page.inner_text("#site-name")
    page.goto(f"{live_server.url}/admin/association/publicholiday/")
    assert "عيد الفطر" in page.inner_text("#result_list")
    screenshot("04-admin-holidays-ar")
