import os
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
# Flags for headless Chromium as root on a machine with no outside network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        skip_or_fail(f"Debian's Chromium is not installed at {CHROMIUM}: browser tests skipped")
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test
    # itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _take(name):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _take


@pytest.fixture
def as_user(browser, live_server):
    """Log a demo user in, in Arabic, in a context of their own: as_user("crm_staff")."""
    from association.demo import DEMO_PASSWORD

    contexts = []

    def _login(username):
        context = browser.new_context(locale="ar-SA", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_selector("h1")
        return page

    yield _login
    for context in contexts:
        context.close()


def shot(page, name):
    """A full-page screenshot in artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def choose_customer(scope, name, typed, pick):
    """Type `typed` into the customer lookup field `name` (customers.lookup, the field's name
    or its end for a prefixed form) of `scope` (a page or a locator) and pick the
    suggestion showing `pick`."""
    control = scope.locator(f"input[name$={name}] + .ts-wrapper .ts-control input")
    control.click()
    control.press_sequentially(typed, delay=20)
    wrapper = scope.locator(f"input[name$={name}] + .ts-wrapper")
    wrapper.locator(".ts-dropdown .option", has_text=pick).first.click()
