"""In Chromium, under the Content-Security-Policy (issue 10 item 19): the main pages, the
public pages and the Django admin's change forms run without a single policy violation, and
the scripts moved to static files still work (confirmation before a rejection, the report
type switching the period fields, the programme choice reloading the opportunity form)."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from complaints.models import FaqEntry, FaqState
from customers.models import Customer
from programmes.models import Programme, ProgrammeCategory
from tests.browser.conftest import shot
from tests.site.beat import any_periodic_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_violations(page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: violations.append(f"{page.url}: {error}"))
    return violations


def test_main_pages_and_admin_run_without_policy_violations(as_user, live_server):
    call_command("load_demo_data", stdout=StringIO())
    # The demo portfolio may already hold this category.
    category, _created = ProgrammeCategory.objects.get_or_create(name="تعليم")
    Programme.objects.create(code="EDU-09", name="الحقيبة المدرسية", category=category)
    manager = as_user("crm_manager")
    violations = watch_violations(manager)
    customer = Customer.objects.order_by("code").first()
    for path in (
        "/",
        "/customers/",
        f"/customers/{customer.pk}/",
        "/customers/forms/",
        "/customers/statistics/",
        "/complaints/",
        "/complaints/new/",
        "/opportunities/",
        "/programmes/",
        "/reports/",
    ):
        response = manager.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"].split("; ")
    shot(manager, "csp-customers-1280")

    # The report type switches the period fields (static/js/report-produce.js).
    manager.goto(f"{live_server.url}/reports/produce/")
    monthly, weekly = (
        manager.locator("[data-period=monthly]"),
        manager.locator("[data-period=weekly]"),
    )
    manager.select_option("#id_report_type", "weekly_opportunities")
    assert weekly.is_visible() and not monthly.is_visible()
    manager.select_option("#id_report_type", "monthly_performance")
    assert monthly.is_visible() and not weekly.is_visible()

    # Choosing a programme reloads the opportunity form (static/js/opportunity-form.js).
    manager.goto(f"{live_server.url}/opportunities/new/")
    manager.fill("#id_title", "تمويل الحقيبة المدرسية")
    options = manager.locator("#id_programme option")
    manager.select_option("#id_programme", index=options.count() - 1)
    manager.wait_for_url("**programme=*")
    assert manager.input_value("#id_title") == "تمويل الحقيبة المدرسية"

    # Rejecting an FAQ proposal asks first (static/js/confirm.js); dismissing changes nothing.
    entry = FaqEntry.objects.filter(state=FaqState.PROPOSED).first()
    manager.goto(f"{live_server.url}/complaints/faq/{entry.pk}/")
    questions = []
    manager.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    manager.locator("button[data-confirm]").first.click()
    manager.wait_for_timeout(300)
    assert questions and "?" in questions[0] or "؟" in questions[0]
    entry.refresh_from_db()
    assert entry.state == FaqState.PROPOSED

    admin = as_user("admin")
    violations += watch_violations(admin)
    User = get_user_model()
    for path in (
        "/admin/",
        f"/admin/customers/customer/{customer.pk}/change/",
        f"/admin/auth/user/{User.objects.get(username='crm_staff').pk}/change/",
        "/admin/customers/stewarddesignation/",
        f"/admin/django_celery_beat/periodictask/{any_periodic_task().pk}/change/",
        "/admin/association/publicholiday/add/",
    ):
        response = admin.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
    shot(admin, "csp-admin-holiday-add-1280")

    public = manager.context.browser.new_page(
        locale="ar-SA", viewport={"width": 390, "height": 844}
    )
    violations += watch_violations(public)
    public.goto(f"{live_server.url}/public/cases/new/")
    # The public pages' styles now come from static/css/public.css.
    assert public.locator(".public-header").evaluate("e => getComputedStyle(e).color") == (
        "rgb(255, 255, 255)"
    )
    assert public.evaluate("document.documentElement.scrollWidth") <= 390
    shot(public, "csp-public-file-390")
    public.goto(f"{live_server.url}/public/faq/")
    public.close()

    assert violations == []
