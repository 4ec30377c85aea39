"""In Chromium, in Arabic: an import runs in the background while its page shows a
progress bar, then the dry run with the values it will write (a Hijri date converted, a
possible duplicate within the file), then the confirmation's progress and the new form;
the same on a phone's width."""

from unittest import mock

import pytest
from django.utils import translation

from association.demo import load_demo_data
from core import jobs
from customers.models import Customer, CustomerRequest
from customers.resources import column_label
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _header():
    with translation.override("ar"):
        return ",".join(
            str(column_label(name))
            for name in ("name", "kind", "mobile", "sms_consent", "consent_date", "consent_source")
        )


CSV = (
    f"{_header()}\r\n"
    "أحمد محمد الغامدي,مستفيد,0509876543,نعم,١٤٤٦/٠٩/١٥,استمارة ورقية\r\n"
    "احمد محمّد الغامدى,مستفيد,0509876544,لا,,\r\n"
    "سطر بتاريخ غامض,مانح,0509876545,نعم,07/15/2025,هاتف\r\n"
)


def test_an_import_shows_its_progress_then_its_dry_run_then_the_form(as_user, live_server):
    load_demo_data()
    sent = []
    with mock.patch("core.jobs._enqueue", side_effect=sent.append):
        staff = as_user("crm_staff")
        staff.goto(f"{live_server.url}/customers/import/")
        staff.set_input_files(
            "input[type=file]",
            files=[{"name": "قائمة.csv", "mimeType": "text/csv", "buffer": CSV.encode()}],
        )
        staff.click("main form button[type=submit]")

        # The request only stored the file: the page shows the job's progress.
        staff.wait_for_selector("[data-testid=job-progress]")
        assert "فحص ملف العملاء" in staff.inner_text("h1")
        [job_id] = sent
        jobs.Progress(job_id).phase("check", start=40, end=90)
        # A locator, not wait_for_function: the Content-Security-Policy forbids eval.
        staff.locator("[data-progress-percent]", has_text="40%").wait_for()
        assert "فحص الصفوف" in staff.inner_text("[data-progress-label]")
        shot(staff, "40-import-progress-ar")
        staff.set_viewport_size({"width": 390, "height": 800})
        shot(staff, "41-import-progress-phone-ar")
        assert staff.evaluate("document.documentElement.scrollWidth") <= 390

        # The worker does the dry run; the page moves on by itself to its preview.
        jobs.run(job_id)
        staff.wait_for_selector("#import-rows", timeout=20000)
        shot(staff, "42-import-dry-run-phone-ar")
        assert staff.evaluate("document.documentElement.scrollWidth") <= 390
        staff.set_viewport_size({"width": 1280, "height": 900})
        table = staff.inner_text("#import-rows")
        # The converted date, Gregorian with the Hijri beside it.
        assert "15 مارس 2025" in table and "15 رمضان 1446" in table
        # Same name (spelled differently), another mobile: flagged.
        assert "قد يكون الشخص نفسه" in table
        assert "لا يوجد شهر رقمه 15" in table
        shot(staff, "43-import-dry-run-ar")
        assert not Customer.objects.exists()

        staff.fill("textarea[name=reason]", "مستفيدو مركز الصفا")
        staff.click("[data-testid=confirm-form] button[type=submit]")
        staff.wait_for_selector("[data-testid=job-progress]")
        assert len(sent) == 2
        jobs.run(sent[1])
        staff.wait_for_selector("[data-testid=state]", timeout=20000)

    form_request = CustomerRequest.objects.get()
    assert staff.url.endswith(f"/customers/forms/{form_request.pk}/")
    assert form_request.lines.count() == 2
    assert str(form_request.pk) in staff.inner_text(".alert-success")
    # The manager sees the two rows of one name as possible duplicates of each other.
    assert len(staff.query_selector_all("[data-testid=same-form-duplicate]")) == 2
    shot(staff, "44-import-form-with-in-file-duplicates-ar")


def test_the_portfolio_and_finance_dry_runs_show_converted_dates_on_a_phone(as_user, live_server):
    load_demo_data()
    manager = as_user("crm_manager")
    manager.set_viewport_size({"width": 390, "height": 800})
    portfolio = (
        "رمز البرنامج,اسم البرنامج,الفئة,تاريخ البداية,تاريخ النهاية,الميزانية\r\n"
        "EDU-77,برنامج محو الأمية,تعليم,١٤٤٧/٠٩/٠١,31/12/26,120000\r\n"
        "EDU-78,برنامج القراءة,تعليم,02/15/2026,,5000\r\n"
    )
    manager.goto(f"{live_server.url}/programmes/import/")
    manager.set_input_files(
        "input[type=file]",
        files=[{"name": "محفظة.csv", "mimeType": "text/csv", "buffer": portfolio.encode()}],
    )
    manager.click("main form button[type=submit]")
    manager.wait_for_selector("#import-rows")
    table = manager.inner_text("#import-rows")
    assert "18 فبراير 2026" in table and "1 رمضان 1447" in table
    assert "لا يوجد شهر رقمه 15" in table
    assert manager.evaluate("document.documentElement.scrollWidth") <= 390
    shot(manager, "45-portfolio-dry-run-phone-ar")

    finance = (
        "رقم الإيصال,التاريخ,المبلغ,رقم العميل,رمز البرنامج\r\n"
        "R-901,١٤٤٦/٠٩/١٥,1500,100001,EDU-77\r\n"
        "R-902,04/07/25,250,999999,EDU-77\r\n"
    )
    manager.goto(f"{live_server.url}/opportunities/donations/import/")
    manager.set_input_files(
        "input[type=file]",
        files=[{"name": "مالية.csv", "mimeType": "text/csv", "buffer": finance.encode()}],
    )
    manager.click("main form button[type=submit]")
    manager.wait_for_selector("#import-rows")
    table = manager.inner_text("#import-rows")
    assert "15 مارس 2025" in table and "4 يوليو 2025" in table
    assert manager.evaluate("document.documentElement.scrollWidth") <= 390
    shot(manager, "46-finance-dry-run-phone-ar")
