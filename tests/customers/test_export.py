"""Exporting the customer list: XLSX (right-to-left, Arabic headers) and CSV (UTF-8 with
BOM), the list's filters respected, formula injection escaped, export permission only."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from association import roles
from core.spreadsheets import escape_formula
from customers.models import Customer, CustomerKind
from customers.resources import EXPORT_COLUMNS, column_label
from messaging.services import consents_record, day_start
from tests.factories import CentreFactory, CityFactory
from tests.xlsx_checks import (
    assert_date_cell,
    assert_prints_one_page_wide,
    assert_text_cell_as_typed,
)

pytestmark = pytest.mark.django_db


def ar(text):
    with translation.override("ar"):
        return str(text)


@pytest.fixture
def customer_rows(db, people):
    jeddah = CityFactory(name="جدة", name_en="Jeddah")
    centre = CentreFactory(city=jeddah, name="مركز حي الصفا")
    donor = Customer.objects.create(
        code=700001,
        name='=HYPERLINK("http://evil.example","اضغط هنا")',
        kind=CustomerKind.DONOR,
        city=jeddah,
        centre=centre,
        phone="+966126543210",
        mobile="+966501234567",
        email="donor@example.org",
        contact_channel="email",
        point_of_contact=people["staff"],
        address="@SUM(1+1)",
    )
    # Consent to marketing e-mails, a record of the messaging app.
    consents_record(
        customer_id=donor.pk,
        changes={"email.marketing": True},
        at=day_start(datetime.date(2026, 1, 15)),
        source="form",
        evidence="استمارة",
    )
    beneficiary = Customer.objects.create(
        code=700002,
        name="مريم خالد",
        kind=CustomerKind.BENEFICIARY,
        mobile="+966551234567",
        notes="-2+3",
        is_active=False,
    )
    return donor, beneficiary


def export(client, name, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def read_xlsx(content):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return workbook.worksheets[0]


def read_csv(content):
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def staff_client(client, people):
    client.force_login(people["staff"])
    return client


def test_xlsx_export_is_a_right_to_left_sheet_with_arabic_headers(staff_client, customer_rows):
    donor, beneficiary = customer_rows

    response, content = export(staff_client, "customers:export_xlsx")

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    assert ".xlsx" in response["Content-Disposition"]
    sheet = read_xlsx(content)
    assert sheet.sheet_view.rightToLeft is True
    header = [cell.value for cell in sheet[1]]
    assert header == [ar(column_label(name)) for name in EXPORT_COLUMNS]
    assert "المدينة" in header and "رقم الجوال" in header  # already in the Arabic catalogue
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["B"].width >= 30  # the name column is wide
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {donor.code, beneficiary.code}
    by_column = dict(zip(EXPORT_COLUMNS, rows[donor.code], strict=True))
    assert by_column["kind"] == ar(CustomerKind.DONOR.label)
    assert by_column["city"] == "جدة"
    assert by_column["centre"] == "مركز حي الصفا"
    assert by_column["mobile"] == "050 123 4567"  # the local display (core.phones)
    assert by_column["point_of_contact"] == "staff"
    assert by_column["email_consent"] == ar(gettext_lazy("Yes"))
    assert by_column["consent_date"].date() == datetime.date(2026, 1, 15)
    assert all(cell.data_type != "f" for row in sheet.iter_rows(min_row=2) for cell in row)


def test_xlsx_export_shows_text_as_typed_real_dates_and_prints_one_page_wide(
    staff_client, customer_rows
):
    donor, _beneficiary = customer_rows

    _response, content = export(staff_client, "customers:export_xlsx")

    sheet = read_xlsx(content)
    row = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == donor.code)
    cells = dict(zip(EXPORT_COLUMNS, row, strict=True))
    # Formula-like text is a quote-prefixed text cell, shown without an apostrophe.
    assert_text_cell_as_typed(cells["phone"], "+966126543210")
    assert_text_cell_as_typed(cells["name"], donor.name)
    assert_text_cell_as_typed(cells["address"], "@SUM(1+1)")
    assert cells["mobile"].value == "050 123 4567" and not cells["mobile"].quotePrefix
    assert_date_cell(cells["consent_date"], with_time=False)
    # 18 columns: landscape, one page wide, the header row on every page.
    assert len(EXPORT_COLUMNS) > 6
    assert_prints_one_page_wide(sheet, landscape=True)


def test_xlsx_export_respects_the_list_filter_and_search(staff_client, customer_rows):
    donor, beneficiary = customer_rows

    _response, content = export(staff_client, "customers:export_xlsx", kind="beneficiary")
    codes = [row[0] for row in read_xlsx(content).iter_rows(min_row=2, values_only=True)]
    assert codes == [beneficiary.code]

    _response, content = export(staff_client, "customers:export_xlsx", q="0501234567")
    codes = [row[0] for row in read_xlsx(content).iter_rows(min_row=2, values_only=True)]
    assert codes == [donor.code]


def test_csv_export_has_a_bom_and_escapes_formulas(staff_client, customer_rows):
    donor, beneficiary = customer_rows

    response, content = export(staff_client, "customers:export_csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert ".csv" in response["Content-Disposition"]
    header, *rows = read_csv(content)
    assert header == [ar(column_label(name)) for name in EXPORT_COLUMNS]
    by_code = {row[0]: dict(zip(EXPORT_COLUMNS, row, strict=True)) for row in rows}
    assert set(by_code) == {str(donor.code), str(beneficiary.code)}
    assert by_code[str(donor.code)]["name"].startswith("'=HYPERLINK")
    assert by_code[str(donor.code)]["phone"] == "'+966126543210"
    assert by_code[str(donor.code)]["consent_date"] == "2026-01-15"
    assert by_code[str(beneficiary.code)]["is_active"] == ar(gettext_lazy("No"))
    assert by_code[str(beneficiary.code)]["kind"] == ar(CustomerKind.BENEFICIARY.label)


def test_csv_export_respects_the_filter_and_follows_the_language(
    client, people, customer_rows, settings
):
    _donor, beneficiary = customer_rows
    client.force_login(people["staff"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    _response, content = export(client, "customers:export_csv", is_active="0")

    header, *rows = read_csv(content)
    assert header[0] == "customer code" and header[5] == "city"
    assert [row[0] for row in rows] == [str(beneficiary.code)]
    assert rows[0][EXPORT_COLUMNS.index("kind")] == "Beneficiary"
    assert rows[0][EXPORT_COLUMNS.index("is_active")] == "No"


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_every_formula_prefix_is_escaped(value):
    assert escape_formula(value) == "'" + value


def test_ordinary_values_are_not_escaped():
    for value in ("مريم", "0501234567", "a=b", 12, None, datetime.date(2026, 1, 1)):
        assert escape_formula(value) == value


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (roles.CRM_STAFF, 200),
        (roles.CRM_MANAGER, 200),
        (roles.MANAGEMENT, 200),
        (roles.QUALITY_OFFICER, 403),
        (roles.DATA_STEWARD, 403),
        (roles.CENTRES_STAFF, 403),
    ],
)
@pytest.mark.parametrize("name", ["customers:export_xlsx", "customers:export_csv"])
def test_export_permission_matrix(client, make_user, role, expected, name):
    client.force_login(make_user(role))
    assert client.get(reverse(name)).status_code == expected


@pytest.mark.parametrize("name", ["customers:export_xlsx", "customers:export_csv"])
def test_anonymous_visitor_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_export_queries_do_not_grow_with_the_list(
    staff_client, people, django_assert_max_num_queries
):
    jeddah = CityFactory(name="جدة")
    centre = CentreFactory(city=jeddah)
    Customer.objects.bulk_create(
        Customer(
            code=800000 + n,
            name=f"عميل {n}",
            name_normalized=f"عميل {n}",
            kind=CustomerKind.DONOR,
            city=jeddah,
            centre=centre,
            point_of_contact=people["staff"],
        )
        for n in range(200)
    )
    with django_assert_max_num_queries(12):
        _response, content = export(staff_client, "customers:export_xlsx")
    assert read_xlsx(content).max_row == 201
