"""In Chromium, in Arabic: amounts and dates typed with Arabic-Indic digits and the Arabic
separators are accepted (issue 10, items 17 and 21). A number box is a text box: Chromium's
<input type="number"> would drop "١٢٥٠٠٫٥٠" before the form is sent."""

import datetime
from decimal import Decimal

import pytest

from association.demo import load_demo_data
from association.models import PublicHoliday
from opportunities.models import Opportunity
from programmes.models import Programme, ProgrammeCategory
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_an_opportunity_amount_typed_in_arabic_digits_is_saved(as_user, live_server):
    load_demo_data()
    programme = Programme.objects.create(
        code="REL-2026-01",
        name="سلة رمضان",
        category=ProgrammeCategory.objects.create(name="إغاثة"),
        status="active",
    )
    staff = as_user("crm_staff")
    staff.goto(f"{live_server.url}/opportunities/new/")
    staff.select_option("select[name=programme]", str(programme.pk))  # the page reloads
    staff.wait_for_load_state()
    staff.fill("input[name=title]", "دعم سلة رمضان")
    amount = staff.locator("input[name=expected_amount]")
    assert amount.get_attribute("type") == "text"
    assert amount.get_attribute("inputmode") == "decimal"
    amount.press_sequentially("١٢٥٠٠٫٥٠")
    staff.locator("input[name=probability]").fill("")
    staff.locator("input[name=probability]").press_sequentially("٤٠")
    shot(staff, "fields-opportunity-arabic-amount-1280")
    staff.set_viewport_size(PHONE)
    assert staff.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(staff, "fields-opportunity-arabic-amount-390")
    staff.click("button[name=save]")
    staff.wait_for_selector("[data-testid=timeline]")

    opportunity = Opportunity.objects.get()
    assert opportunity.expected_amount == Decimal("12500.50")
    assert opportunity.probability == 40


def test_a_holiday_typed_day_first_in_arabic_digits_in_the_admin(as_user, live_server):
    load_demo_data()
    admin = as_user("admin")
    admin.goto(f"{live_server.url}/admin/association/publicholiday/add/")
    admin.fill("input[name=name]", "يوم التأسيس التجريبي")
    admin.fill("input[name=start_date]", "٢٢/٠٢/٢٠٣٠")
    admin.fill("input[name=end_date]", "\u200f٢٣/٠٢/٢٠٣٠\u200f")
    shot(admin, "fields-admin-holiday-arabic-date")
    admin.click("input[name=_save]")
    admin.wait_for_selector(".messagelist .success, .success")

    holiday = PublicHoliday.objects.get(name="يوم التأسيس التجريبي")
    assert (holiday.start_date, holiday.end_date) == (
        datetime.date(2030, 2, 22),
        datetime.date(2030, 2, 23),
    )
