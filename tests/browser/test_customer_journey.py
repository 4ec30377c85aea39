"""In Chromium, in Arabic: a new customer goes from the staff member's form, past a
duplicate warning, through the manager's approval to the steward's entry and its code; then a
modification goes the same way with its diff."""

import pytest
from django.utils import translation

from association.demo import load_demo_data
from customers.demo import load_demo_customers
from customers.models import Customer
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_customer_and_modification_journey(as_user, live_server):
    load_demo_data()
    load_demo_customers()
    existing = Customer.objects.get(name="فاطمة علي الزهراني")

    staff = as_user("crm_staff")
    staff.goto(f"{live_server.url}/customers/forms/new/")
    staff.fill("input[name=name]", "فاطمه على الزهرانى")
    staff.select_option("select[name=kind]", "beneficiary")
    staff.fill("input[name=mobile]", "٠٥٠١١١٠٠٠٤")  # the same mobile, typed in Arabic digits
    staff.select_option("select[name=contact_channel]", "phone")
    staff.fill("textarea[name=reason]", "مستفيدة جديدة سجلت في المركز")
    shot(staff, "10-customer-form-ar")
    staff.click("button[name=submit_form]")
    staff.wait_for_selector("[data-testid=duplicates]")
    assert existing.name in staff.inner_text("[data-testid=duplicates]")
    form_url = staff.url
    shot(staff, "11-form-with-duplicates-ar")

    manager = as_user("crm_manager")
    assert "نماذج" in manager.inner_text("main")  # the form waits on the manager's my-work page
    manager.goto(form_url)
    manager.click("[data-testid=actions] button.btn-success")
    manager.wait_for_selector(".alert-danger")  # blocked: same mobile, no override reason
    manager.fill("textarea[name=override_reason]", "ابنة المستفيدة وتستخدم جوال والدتها")
    manager.click("[data-testid=actions] button.btn-success")
    manager.wait_for_selector(".alert-success")

    steward = as_user("steward")
    steward.goto(form_url)
    steward.click("[data-testid=actions] button")
    steward.wait_for_selector("[data-testid=new-code]")
    code = steward.inner_text("[data-testid=new-code]").strip()
    assert Customer.objects.filter(code=int(code), name="فاطمه على الزهرانى").exists()
    shot(steward, "12-form-entered-ar")

    staff.goto(f"{live_server.url}/customers/{existing.pk}/modify/")
    staff.fill("input[name=address]", "حي الصفا، شارع الأمير سلطان")
    staff.fill("textarea[name=reason]", "عنوان جديد")
    staff.click("button[name=submit_form]")
    staff.wait_for_selector("[data-testid=line]")
    modify_url = staff.url
    assert "حي الصفا، شارع الأمير سلطان" in staff.inner_text("[data-testid=line]")
    manager.goto(modify_url)
    shot(manager, "13-modification-diff-ar")
    manager.click("[data-testid=actions] button.btn-success")
    manager.wait_for_selector(".alert-success")
    steward.goto(modify_url)
    steward.click("[data-testid=actions] button")
    steward.wait_for_selector(".alert-success")
    existing.refresh_from_db()
    assert existing.address == "حي الصفا، شارع الأمير سلطان"
    steward.goto(f"{live_server.url}/customers/{existing.pk}/")
    assert "حي الصفا، شارع الأمير سلطان" in steward.inner_text("main")
    shot(steward, "14-customer-profile-ar")


def test_import_goes_through_dry_run_approval_and_entry(as_user, live_server):
    load_demo_data()
    load_demo_customers()
    existing = Customer.objects.get(name="نوال حسن الشهري")
    # Excel on Arabic Windows saves CSV as Windows-1256.
    with translation.override("ar"):
        header = ",".join(
            str(Customer._meta.get_field(name).verbose_name)
            for name in ("name", "kind", "mobile", "city", "code", "address")
        )
    csv_text = (
        f"{header}\r\n"
        "هيا ناصر الدوسري,مستفيد,0509876543,جدة,,\r\n"
        f"{existing.name},مستفيد,{existing.mobile},جدة,{existing.code},حي النسيم الشرقي\r\n"
        "سطر خاطئ,نوع غير معروف,123,جدة,,\r\n"
    )
    staff = as_user("crm_staff")
    staff.goto(f"{live_server.url}/customers/import/")
    staff.set_input_files(
        "input[type=file]",
        files=[
            {"name": "customers.csv", "mimeType": "text/csv", "buffer": csv_text.encode("cp1256")}
        ],
    )
    staff.click("main form button[type=submit]")
    staff.wait_for_selector("#import-rows")
    table = staff.inner_text("#import-rows")
    assert "هيا ناصر الدوسري" in table and "سطر خاطئ" in table
    shot(staff, "15-import-dry-run-ar")
    assert not Customer.objects.filter(name="هيا ناصر الدوسري").exists()  # nothing written yet
    staff.fill("textarea[name=reason]", "استيراد مستفيدي مركز النسيم")
    staff.click("form[action$='/import/confirm/'] button[type=submit]")
    staff.wait_for_selector("[data-testid=state]")
    form_url = staff.url
    assert len(staff.query_selector_all("[data-testid=line]")) == 2  # the error row is left out

    manager = as_user("crm_manager")
    manager.goto(form_url)
    manager.click("[data-testid=actions] button.btn-success")
    manager.wait_for_selector(".alert-success")
    steward = as_user("steward")
    steward.goto(form_url)
    steward.click("[data-testid=actions] button")
    steward.wait_for_selector("[data-testid=new-code]")
    assert Customer.objects.filter(name="هيا ناصر الدوسري", mobile="+966509876543").exists()
    existing.refresh_from_db()
    assert existing.address == "حي النسيم الشرقي"
    shot(steward, "16-import-entered-ar")
