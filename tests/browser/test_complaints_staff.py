"""In Chromium, in Arabic, the staff side of the complaints register (manual 5): a phone
complaint from a beneficiary is registered by a centres-affairs employee, routed to the queue
of the beneficiary's centre, studied, followed up daily, answered and closed, with its due
and overdue marks; then a CRM employee answers an inquiry from a published FAQ entry."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from association import roles
from association.demo import DEMO_PASSWORD, load_demo_data
from association.models import Centre, Department, StaffProfile
from complaints.models import Case, CaseRoute, CaseState, FaqEntry
from customers.demo import load_demo_customers
from customers.models import Customer, CustomerRequest
from tests.browser.conftest import choose_customer, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def other_centre_staff():
    """A centres-affairs employee of another centre (the demo has one for two centres)."""
    user = get_user_model().objects.create_user(
        "centres_rawdah", password=DEMO_PASSWORD, first_name="سامي", last_name="الشمري"
    )
    user.groups.add(Group.objects.get(name=roles.CENTRES_STAFF.group_name))
    profile = StaffProfile.objects.create(
        user=user, department=Department.objects.get(code="centres")
    )
    profile.centres.add(Centre.objects.get(name="مركز حي الروضة"))
    return user


def register_case(page, live_server, **fields):
    page.goto(f"{live_server.url}/complaints/new/")
    page.select_option("select[name=kind]", fields.pop("kind"))
    page.select_option("select[name=channel]", "phone")
    contact_kind = fields.pop("contact_kind", None)
    if contact_kind:
        page.check(f"input[name=contact_kind][value={contact_kind}]")
    customer = fields.pop("customer", None)
    if customer is not None:
        choose_customer(page, "customer_code", customer.name[:6], str(customer.code))
    for name, value in fields.items():
        selector = "textarea" if name == "description" else "input"
        page.fill(f"{selector}[name={name}]", value)


def test_centres_staff_handle_a_beneficiary_phone_complaint(as_user, live_server):
    load_demo_data()
    load_demo_customers()
    other_centre_staff()
    beneficiary = Customer.objects.get(name="فاطمة علي الزهراني")  # مركز حي الصفا

    staff = as_user("centres_staff")
    register_case(
        staff,
        live_server,
        kind="complaint",
        customer=beneficiary,
        subject="تأخر توزيع السلة الغذائية",
        description="اتصلت المستفيدة وذكرت أن السلة الغذائية لم تصل منذ أسبوعين.",
    )
    staff.set_input_files(
        "input[name=attachments]",
        files=[{"name": "صورة-الإيصال.png", "mimeType": "image/png", "buffer": PNG}],
    )
    shot(staff, "staff_01_register_form")
    staff.click("form[enctype] button[type=submit]")
    staff.wait_for_selector("[data-testid=state]")
    case = Case.objects.get(subject="تأخر توزيع السلة الغذائية")
    assert case.routed_to == CaseRoute.CENTRES
    assert case.centre.name == "مركز حي الصفا"
    assert case.tracking_number in staff.inner_text("main")
    details = staff.inner_text("main")
    assert "مركز حي الصفا" in details and "قسم شؤون المراكز" in details
    assert "صورة-الإيصال.png" in staff.inner_text("[data-testid=attachments]")
    assert staff.is_visible("[data-testid=due]")
    assert "متأخر" not in staff.inner_text("[data-testid=due]")
    shot(staff, "staff_02_case_registered")

    # Another centre's employee neither lists nor opens it.
    other = as_user("centres_rawdah")
    other.goto(f"{live_server.url}/complaints/")
    assert case.tracking_number not in other.inner_text("main")
    response = other.goto(f"{live_server.url}/complaints/{case.pk}/")
    assert response.status == 404

    # The step bar is at "registered"; the one next step is the study, with only its fields,
    # the immediate answer and the callback folded below it.
    assert current_step(staff) == "التسجيل"
    primary = staff.query_selector("[data-testid=actions] form")
    assert primary.get_attribute("action").endswith("/start_study/")
    assert not staff.is_visible("form[action$='/answer_immediately/'] textarea")
    assert "موعد الرد الأولي" in staff.inner_text("[data-testid=due]")
    # A refused study keeps what was typed: the analysis is not wiped.
    staff.fill("form[action$='/start_study/'] textarea[name=causes]", "تأخر المورد في التسليم")
    staff.click("form[action$='/start_study/'] button[type=submit]")
    staff.wait_for_selector("[data-testid=form-errors]")
    assert (
        staff.input_value("form[action$='/start_study/'] textarea[name=causes]")
        == "تأخر المورد في التسليم"
    )
    shot(staff, "staff_02b_study_sent_back")

    # Studied: the causes and the employee who studies it.
    staff.fill("form[action$='/start_study/'] textarea[name=causes]", "تأخر المورد في التسليم")
    staff.fill("form[action$='/start_study/'] input[name=helping_party]", "مورد السلال الغذائية")
    staff.select_option(
        "form[action$='/start_study/'] select[name=assignee]", str(staff_user("centres_staff").pk)
    )
    staff.click("form[action$='/start_study/'] button[type=submit]")
    staff.wait_for_selector(".alert-success")
    assert staff.inner_text("[data-testid=state]").strip() == "قيد الدراسة"

    assert current_step(staff) == "الدراسة"
    assert "موعد الدراسة" in staff.inner_text("[data-testid=due]")

    # The register is updated daily: a folded alternative, opened with its own field.
    staff.click("details:has(form[action$='/entry/']) > summary")
    staff.fill("form[action$='/entry/'] textarea[name=text]", "تم التواصل مع المورد لتحديد موعد")
    staff.click("form[action$='/entry/'] button[type=submit]")
    staff.wait_for_selector(".alert-success")
    assert "تم التواصل مع المورد" in staff.inner_text("[data-testid=timeline]")

    # The reply is recorded, then the case is closed.
    staff.fill("form[action$='/record_reply/'] textarea[name=text]", "وصلت السلة للمستفيدة")
    staff.click("form[action$='/record_reply/'] button[type=submit]")
    staff.wait_for_selector(".alert-success")
    assert current_step(staff) == "الرد"
    staff.click("form[action$='/close/'] button[type=submit]")
    staff.wait_for_selector(".alert-success")
    assert staff.query_selector("[data-testid=actions]") is None
    assert len(staff.query_selector_all("[data-testid=step-done]")) == 4
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert case.answered_within_deadline is True
    assert staff.is_visible("[data-testid=answer-due] .badge.text-bg-success")
    assert len(staff.query_selector_all("[data-testid=timeline] li")) == 4
    shot(staff, "staff_03_case_closed")

    # A complaint received ten days ago and never answered is marked overdue.
    register_case(
        staff,
        live_server,
        kind="complaint",
        customer=beneficiary,
        subject="لم يرد أحد على الاتصال",
        description="اتصلت المستفيدة ولم يرد أحد.",
        received_at=(timezone.localtime() - datetime.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
    )
    staff.click("form[enctype] button[type=submit]")
    staff.wait_for_selector("[data-testid=due].alert-danger")
    assert "متأخر منذ" in staff.inner_text("[data-testid=due]")
    shot(staff, "staff_04_case_overdue")
    staff.goto(f"{live_server.url}/complaints/")
    overdue_rows = staff.query_selector_all("tr.table-danger")
    assert len(overdue_rows) == 1
    assert "لم يرد أحد على الاتصال" in overdue_rows[0].inner_text()
    shot(staff, "staff_05_register_overdue")


def current_step(page):
    """The label of the step bar's current step."""
    return page.inner_text("[data-testid=step-bar] [aria-current=step] .step-bar-label").strip()


def staff_user(username):
    return get_user_model().objects.get(username=username)


def test_crm_staff_answer_an_inquiry_from_the_faq(as_user, live_server):
    load_demo_data()
    load_demo_customers()

    staff = as_user("crm_staff")
    staff.goto(f"{live_server.url}/complaints/faq/new/")
    staff.fill("input[name=question]", "ما مواعيد استلام السلال الغذائية؟")
    staff.fill(
        "textarea[name=answer]",
        "تُستلم السلال الغذائية من مركز الحي من الأحد إلى الخميس، من الساعة ٩ صباحًا إلى ١ ظهرًا.",
    )
    staff.click("main form button[type=submit]")
    staff.wait_for_selector("[data-testid=state]")
    faq_url = staff.url
    shot(staff, "staff_10_faq_proposed")

    manager = as_user("crm_manager")
    manager.goto(f"{live_server.url}/complaints/faq/")
    assert manager.is_visible("[data-testid=awaiting]")
    manager.goto(faq_url)
    manager.click("[data-testid=actions] button.btn-success")
    manager.wait_for_selector(".alert-success")
    entry = FaqEntry.objects.get()
    assert entry.state == "published"
    shot(manager, "staff_11_faq_published")

    register_case(
        staff,
        live_server,
        kind="inquiry",
        contact_kind="other",
        contact_name="سالم عبدالله",
        contact_mobile="0501234599",
        subject="موعد استلام السلة",
        description="يسأل المتصل عن مواعيد استلام السلال.",
    )
    staff.click("form[enctype] button[type=submit]")
    staff.wait_for_selector("[data-testid=faq-answer]")
    # Spelled differently from the entry (ه for ة, no hamza): the search normalises Arabic.
    staff.fill("#faq-q", "مواعيد السلال الغذائيه")
    staff.click("#faq-answer form[role=search] button")
    staff.wait_for_selector("[data-testid=faq-match]")
    shot(staff, "staff_12_inquiry_faq_search")
    staff.click("[data-testid=faq-match] button")
    staff.wait_for_selector(".alert-success")
    case = Case.objects.get(subject="موعد استلام السلة")
    assert case.state == CaseState.REPLIED
    assert case.faq_entry == entry
    assert "مواعيد استلام السلال" in staff.inner_text("[data-testid=faq-entry]")
    shot(staff, "staff_13_inquiry_answered")

    # The caller is not in the customer database: one click prepares the form.
    staff.select_option("select[name=customer_kind]", "beneficiary")
    staff.select_option("select[name=centre]", str(Centre.objects.get(name="مركز حي الصفا").pk))
    staff.click("[data-testid=request-registration] button[type=submit]")
    staff.wait_for_selector("[data-testid=line]")
    form_request = CustomerRequest.objects.get(lines__proposed__mobile="+966501234599")
    assert form_request.state == "draft"
    assert "سالم عبدالله" in staff.inner_text("[data-testid=line]")
    assert "مركز حي الصفا" in staff.inner_text("[data-testid=line]")
    shot(staff, "staff_14_registration_request")

    staff.goto(f"{live_server.url}/complaints/faq/")
    row = staff.query_selector("[data-testid=faq-row]")
    assert row.query_selector("[data-testid=times-used]").inner_text().strip() == "1"
    shot(staff, "staff_15_faq_list_count")
    staff.goto(faq_url)
    assert staff.inner_text("[data-testid=times-used]").strip() == "1"
    assert case.tracking_number in staff.inner_text("[data-testid=answered-cases]")
    shot(staff, "staff_16_faq_detail_count")
