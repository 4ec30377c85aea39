"""The home page of the managers, the secretary and the management in the browser (issue 12,
items 11-12): the headline cards with their charts, the card leading to the list behind it,
the marketing menu holding the donations, at 1280 and 390 px without sideways scrolling."""

from io import StringIO

import pytest
from django.core.management import call_command

from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    call_command("load_demo_data", stdout=StringIO())


@pytest.mark.parametrize(
    ("username", "cards"),
    [("crm_manager", 6), ("centres_manager", 3), ("secretary", 4), ("management", 5)],
)
def test_headline_cards_at_both_widths(as_user, live_server, demo, username, cards):
    page = as_user(username)
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.reload()
    assert page.locator("[data-headline]").count() == cards
    assert page.locator("[data-testid=headline-chart]").count() >= 1
    shot(page, f"home_headlines_{username}")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, f"home_headlines_{username}_390")
    assert errors == []


def test_a_card_leads_to_its_list_and_donations_sit_under_marketing(as_user, live_server, demo):
    page = as_user("crm_manager")
    page.click("[data-headline=pipeline] a")
    page.wait_for_url("**/opportunities/")
    assert page.locator(".opportunity-card").count() >= 5
    page.click("[data-pillar=marketing] > a")
    page.click("[data-pillar=marketing] >> text=تبرعات بانتظار المطابقة")
    page.wait_for_url("**/donations/unmatched/")
    assert "DEMO-0005" in page.content()
