"""In Chromium, in Arabic: a beneficiary answers the satisfaction survey on a 390 px phone
through a centre's link (large targets, no sideways scroll, the form as the manual has it),
a low score from someone who agreed to be contacted opens a case; the quality officer types
paper forms in from the keyboard alone and watches the count grow."""

import pytest
from django.core.cache import cache
from django.utils import translation

from association.demo import load_demo_data
from surveys.demo import load_demo_surveys
from surveys.models import Response, Round
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


def test_a_beneficiary_answers_on_a_phone_and_a_low_score_opens_a_case(phone, live_server):
    load_demo_data()
    load_demo_surveys()
    survey_round = Round.objects.get(state="collecting")
    token = survey_round.centres.order_by("pk").first().token
    before = Response.objects.count()

    phone.goto(f"{live_server.url}/public/surveys/{token}/")
    assert phone.get_attribute("html", "dir") == "rtl"
    assert phone.locator("fieldset legend").first.inner_text().startswith("1.")
    assert phone.locator('[data-testid="survey-item"]').count() == 11
    assert "للتقويم والتطوير لا للعقاب والتشهير" in phone.inner_text("body")
    option = phone.locator("label.survey-option").first.bounding_box()
    assert option["height"] >= 44 and option["width"] >= 44
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways ({width}px)"

    # Sent with a statement left out: the page comes back saying so, nothing written.
    phone.click('[data-testid="survey-submit"]')
    assert arabic("Please answer the statements marked below.") in phone.inner_text(
        '[data-testid="form-errors"]'
    )
    assert Response.objects.count() == before

    for position in range(1, 12):
        value = "1" if position == 1 else "4"
        phone.locator(f"label[for=id_item_{position}_{int(value) - 1}]").click()
    phone.fill("textarea[name=suggestions]", "نتمنى الالتزام بالمواعيد")
    phone.fill("input[name=name]", "عبير القرني")
    phone.fill("input[name=mobile]", "0551239876")
    phone.locator("label[for=id_may_contact]").click()
    shot(phone, "surveys_public_phone_filled")
    phone.click('[data-testid="survey-submit"]')
    phone.wait_for_selector('[data-testid="survey-thanks"]')
    shot(phone, "surveys_public_phone_thanks")

    answer = Response.objects.latest("id")
    assert answer.answers.get(item__position=1).value == 1
    assert answer.follow_up_case is not None and answer.follow_up_case.channel == "survey"

    # The same phone opening the link again is told it already answered.
    phone.goto(f"{live_server.url}/public/surveys/{token}/")
    assert arabic("You have already answered this survey from this device. Thank you.") in (
        phone.inner_text("body")
    )


def test_the_quality_officer_types_paper_forms_from_the_keyboard(as_user, live_server):
    load_demo_data()
    load_demo_surveys()
    survey_round = Round.objects.get(state="collecting")
    page = as_user("quality")
    page.goto(f"{live_server.url}/surveys/{survey_round.pk}/paper/")
    page.select_option("select[name=centre]", index=1)
    page.locator("[data-paper-digit]").first.focus()
    page.keyboard.type("54345432154")
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-testid="running-count"]')
    assert page.locator("[data-paper-digit]").first.evaluate("e => e.value") == ""
    page.locator("[data-paper-digit]").first.focus()
    page.keyboard.type("٣٣٣٣٣٣٣٣٣٣٣")
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-testid="running-count"]')
    shot(page, "surveys_paper_entry")
    typed = Response.objects.filter(round=survey_round, entered_by__username="quality")
    # The demo typed a few already; these two are the newest.
    newest = list(typed.order_by("-id")[:2])
    assert [a.value for a in newest[1].answers.order_by("item__position")] == [
        5, 4, 3, 4, 5, 4, 3, 2, 1, 5, 4,
    ]
    assert {a.value for a in newest[0].answers.all()} == {3}
    assert f"<strong>{typed.count()}</strong>" in page.inner_html('[data-testid="running-count"]')
