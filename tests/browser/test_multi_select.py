"""In Chromium, in Arabic: a list of several choices (the campaign form's centres) is a box to
type in with chips, not a list where only Ctrl-click adds a second choice; the choices made
are what the form sends. Screenshots at 1280 and 390 px."""

import pytest

from association.demo import load_demo_data
from programmes.models import Centre
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def chosen(page, name):
    return page.eval_on_selector(
        f"select[name={name}]", "select => Array.from(select.selectedOptions, o => o.value)"
    )


def test_centres_chosen_by_typing(as_user, live_server):
    load_demo_data()
    safa, *others = Centre.objects.order_by("name")
    second = others[0]
    manager = as_user("crm_manager")
    manager.goto(f"{live_server.url}/campaigns/new/")
    wrapper = manager.locator("select[name=centres] + .ts-wrapper")
    box = wrapper.locator(".ts-control input")
    assert box.get_attribute("placeholder") == "اكتب للاختيار…"

    box.click()
    box.press_sequentially(safa.name.split()[-1], delay=20)
    manager.locator(".ts-dropdown .option", has_text=safa.name).first.click()
    box.press_sequentially(second.name.split()[-1], delay=20)
    manager.locator(".ts-dropdown .option", has_text=second.name).first.click()
    box.press_sequentially("لا يوجد مركز بهذا الاسم", delay=5)
    assert manager.locator(".ts-dropdown .no-results").inner_text() == "لا يوجد خيار مطابق."
    assert box.input_value() == "لا يوجد مركز بهذا الاسم"  # the chosen names were cleared
    assert sorted(chosen(manager, "centres")) == sorted([str(safa.pk), str(second.pk)])

    # A chip's remove button takes its choice away.
    wrapper.locator(".item", has_text=second.name).locator(".remove").click()
    assert chosen(manager, "centres") == [str(safa.pk)]
    manager.keyboard.press("Escape")
    shot(manager, "multi-select-1280")
    manager.set_viewport_size({"width": 390, "height": 844})
    shot(manager, "multi-select-390")
    assert manager.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
