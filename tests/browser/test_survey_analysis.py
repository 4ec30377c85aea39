"""In Chromium, in Arabic: the CRM manager opens a round's analysis (the stacked bars, the
weak point, the breakdowns) at 1280 and 390 px, with no sideways scrolling on the phone; the
quality officer writes the findings on the page."""

import pytest

from association.demo import load_demo_data
from survey_analysis.models import RoundFindings
from surveys.models import AgeBand, RoundState
from tests.browser.conftest import shot
from tests.survey_analysis.support import answer_many, beneficiary_version, make_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VENUE_LOW = [4, 5, 2, 4, 5, 4, 5, 4, 4, 5, 4]


def test_the_analysis_page_in_arabic_on_a_desktop_and_a_phone(as_user, live_server):
    beneficiary_version()  # the instruments, again after an earlier test flushed them
    load_demo_data()
    survey_round = make_round(state=RoundState.ANALYSING, title="استبيان الأسرة المنتجة")
    answer_many(
        survey_round,
        [VENUE_LOW] * 8,
        age_band=AgeBand.UP_TO_35,
        first_time=True,
        suggestions="زيادة الورش التدريبية",
    )
    answer_many(survey_round, [[5] * 11] * 4, age_band=AgeBand.OVER_50)
    url = f"{live_server.url}/surveys/{survey_round.pk}/analysis/"

    page = as_user("crm_manager")
    page.goto(url)
    assert page.locator("h1").inner_text().startswith("تحليل الاستبيان")
    assert page.locator("svg.stack-bar").count() == 11
    assert page.locator("[data-testid=item-venue] [data-testid=weak]").inner_text() == "نقطة ضعف"
    assert page.locator("[data-testid=breakdown-age_band] tbody tr").count() == 2
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    shot(page, "survey-analysis-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "survey-analysis-390")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    quality = as_user("quality")
    quality.goto(url)
    assert quality.locator("[data-testid=presenter-note]").is_visible()
    form = quality.locator("[data-testid=findings-form]")
    form.locator("[name=level]").select_option("high")
    form.locator("[name=conclusions]").fill("رضا مرتفع، والمكان يحتاج إلى تحسين")
    form.locator("button[type=submit]").click()
    quality.wait_for_selector(".alert-success")
    assert RoundFindings.objects.get(round=survey_round).weak_items == ["venue"]
    assert "مرتفع" in quality.locator("[data-testid=level]").inner_text()
