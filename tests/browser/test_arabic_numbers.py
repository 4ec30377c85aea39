"""In Chromium, in Arabic: amounts and dates typed with Arabic-Indic digits and the Arabic
separators are accepted (issue 10, items 17 and 21). A number box is a text box: Chromium's
<input type="number"> would drop "١٢٥٠٠٫٥٠" before the form is sent."""

import datetime
import re
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


# --- issue 12, items 7 to 9: compact dates, one digit policy, isolated mixed-direction text --

ARABIC_INDIC = re.compile("[\u0660-\u0669\u06f0-\u06f9]")
# Every compact date's line boxes: one line when all fragments share a top (a date mixes
# Arabic and digits, so it has several fragments even on one line).


def _full_demo():
    """Every app's demo (core.demo), as `manage.py load_demo_data` loads it."""
    from core.demo import run_demo_loaders

    run_demo_loaders(lambda _line: None)


DATE_LINES = """() => [...document.querySelectorAll('.date-compact')].map(e => ({
    text: e.textContent,
    lines: new Set([...e.getClientRects()].map(r => Math.round(r.top))).size,
    title: e.getAttribute('title') || '',
}))"""


@pytest.mark.parametrize("width", [1280, 390])
def test_each_date_of_the_case_list_is_one_line_in_western_digits(as_user, live_server, width):
    _full_demo()
    manager = as_user("crm_manager")
    manager.set_viewport_size({"width": width, "height": 900})
    manager.goto(f"{live_server.url}/complaints/")
    dates = manager.evaluate(DATE_LINES)
    assert len(dates) >= 6, dates
    assert all(date["lines"] == 1 for date in dates), dates
    # The Hijri date is in the title, shown on hover.
    assert all("هـ" in date["title"] for date in dates), dates
    body = (
        manager.inner_text("main")
        if manager.locator("main").count()
        else manager.inner_text("body")
    )
    assert not ARABIC_INDIC.search(body)
    assert "None" not in body
    assert manager.evaluate("document.documentElement.scrollWidth") <= width
    shot(manager, f"dates-case-list-{width}")


def _timeline_order(page):
    """For each timeline line "<bdi>name</bdi> · <time>" (includes/steps_trail.html): the
    name's and the date's boxes."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=timeline] li')]
        .map(li => li.querySelector('.text-body-secondary:has(> bdi):has(> time)'))
        .map(line => line
            ? [line.querySelector(':scope > bdi'), line.querySelector(':scope > time')]
            : [])
        .filter(([name, date]) => name && date)
        .map(([name, date]) => {
            const a = name.getBoundingClientRect(), b = date.getBoundingClientRect();
            return {name: name.textContent, top: [a.top, b.top],
                    name_left: a.left, name_right: a.right,
                    date_left: b.left, date_right: b.right};
        })"""
    )


def test_names_in_the_other_script_keep_the_order_of_the_line(as_user, live_server):
    from django.contrib.auth.models import User

    from complaints.models import Case

    _full_demo()
    case = Case.objects.filter(transitions__actor__isnull=False).distinct().first()
    actor = case.transitions.exclude(actor=None).first().actor
    arabic_name = actor.get_full_name()
    assert re.search("[\u0600-\u06ff]", arabic_name)

    # English page, Arabic name: the name, then the date, left to right.
    manager = as_user("crm_manager")
    manager.locator("[data-testid=language-switch] button").first.click()
    manager.wait_for_load_state()
    assert manager.evaluate("document.documentElement.dir") == "ltr"
    manager.goto(f"{live_server.url}/complaints/{case.pk}/")
    lines = _timeline_order(manager)
    assert lines, "no timeline line with a name and a date"
    for line in lines:
        assert abs(line["top"][0] - line["top"][1]) < 12, line  # on one line
        assert line["name_right"] <= line["date_left"] + 1, line
    shot(manager, "bidi-english-page-arabic-name")

    # Arabic page, Latin name: the name, then the date, right to left.
    User.objects.filter(pk=actor.pk).update(first_name="Sarah", last_name="O'Neil")
    staff = as_user("crm_staff")
    staff.goto(f"{live_server.url}/complaints/{case.pk}/")
    lines = [line for line in _timeline_order(staff) if line["name"] == "Sarah O'Neil"]
    assert lines
    for line in lines:
        assert line["name_left"] >= line["date_right"] - 1, line
    shot(staff, "bidi-arabic-page-latin-name")


def test_date_boxes_and_file_pickers_speak_the_page_language(as_user, live_server):
    _full_demo()
    staff = as_user("crm_staff")
    staff.goto(f"{live_server.url}/complaints/new/")
    file_input = staff.locator("input[name=attachments]")
    assert file_input.get_attribute("type") == "file"
    button = staff.locator(".file-picker-button").first
    assert button.inner_text().strip() == "اختر الملفات"
    file_input.set_input_files(
        [{"name": "report-final.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}]
    )
    assert staff.locator("[data-file-names]").first.inner_text() == "report-final.pdf"
    shot(staff, "fields-file-picker-arabic")

    staff.goto(f"{live_server.url}/complaints/")
    box = staff.locator("input[name=date_from]")
    assert box.get_attribute("type") == "text"
    assert box.get_attribute("placeholder") == "يوم/شهر/سنة"
    assert box.evaluate("e => getComputedStyle(e).direction") == "rtl"
    box.fill("٠١/١١/٢٠٢٦")
    assert box.evaluate("e => e.checkValidity()")
    box.fill("2026-11-01")
    assert box.evaluate("e => e.checkValidity()")
    box.fill("next week")
    assert not box.evaluate("e => e.checkValidity()")
