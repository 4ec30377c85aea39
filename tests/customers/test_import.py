"""Importing a spreadsheet of customers: the dry run decides row by row, the confirmation
makes ONE import form, and nothing reaches the customer database until the form is
approved and entered."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from core.identity import make_valid_national_id
from customers import imports, services
from customers.models import (
    Customer,
    CustomerKind,
    CustomerRequest,
    EntityType,
    LineAction,
    RequestKind,
    RequestState,
)
from customers.resources import column_label
from messaging.services import consents_record, day_start
from tests.factories import CentreFactory, CityFactory, UserFactory

pytestmark = pytest.mark.django_db

NATIONAL_ID_1 = make_valid_national_id("101234567")
NATIONAL_ID_2 = make_valid_national_id("201234567")
EXISTING_NATIONAL_ID = "1234567897"  # the existing_customer fixture's


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def staff_client(client, people):
    client.force_login(people["staff"])
    return client


def ar(text):
    """Text as an Arabic user reads it (whatever the catalogue holds today)."""
    with translation.override("ar"):
        return str(text)


def arabic_headers(columns):
    return [ar(column_label(name)) for name in columns]


def individual():
    return ar(EntityType.INDIVIDUAL.label)


def beneficiary():
    return ar(CustomerKind.BENEFICIARY.label)


def donor():
    return ar(CustomerKind.DONOR.label)


ROW_COLUMNS = ["name", "entity_type", "kind", "national_id", "mobile", "email"]


def new_rows():
    return [
        [
            "نورة سعد الدوسري",
            individual(),
            beneficiary(),
            NATIONAL_ID_1,
            "0551234567",
            "noura@x.org",
        ],
        ["Khalid Omar", "individual", "donor", NATIONAL_ID_2, "0562223344", "KHALID@Example.org"],
    ]


def csv_bytes(header, rows, encoding="utf-8"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(header, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content, name="customers.csv"):
    """The upload, then the pages it leads to (the dry run runs as a background job, eagerly
    in the tests): the preview, or the upload page with the file's error."""
    return client.post(
        reverse("customers:import"), {"file": SimpleUploadedFile(name, content)}, follow=True
    )


def outcomes(response):
    return {row.number: row.outcome for row in response.context["preview"].rows}


def confirm(client, response, reason="قائمة المتبرعين من حملة رمضان", follow=False):
    """Confirm the dry run shown: the confirmation job's page (followed: where it leads)."""
    job = response.context["confirm_form"].initial["job"]
    return client.post(
        reverse("customers:import_confirm"), {"job": job, "reason": reason}, follow=follow
    )


def database_state():
    return (
        list(Customer.objects.order_by("pk").values()),
        CustomerRequest.objects.count(),
    )


# --- permissions --------------------------------------------------------------------------


def test_crm_staff_opens_the_upload_page(staff_client):
    response = staff_client.get(reverse("customers:import"))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert reverse("customers:export_xlsx") in content  # the template link


@pytest.mark.parametrize("role", ["quality", "centres", "steward"])
def test_roles_that_do_not_prepare_forms_cannot_import(client, people, role):
    client.force_login(people[role])
    assert client.get(reverse("customers:import")).status_code == 403
    content = csv_bytes(arabic_headers(ROW_COLUMNS), new_rows())
    assert upload(client, content).status_code == 403
    response = client.post(reverse("customers:import_confirm"), {"token": "0" * 32, "reason": "x"})
    assert response.status_code == 403
    assert CustomerRequest.objects.count() == 0


def test_anonymous_visitor_is_sent_to_login(client):
    for name in ("customers:import", "customers:import_confirm"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


# --- the dry run ----------------------------------------------------------------------------


def test_dry_run_of_a_utf8_csv_with_arabic_headers(staff_client, existing_customer):
    rows = [
        *new_rows(),
        # The existing customer, matched by national ID: a new email is a modification.
        [
            existing_customer.name,
            individual(),
            donor(),
            EXISTING_NATIONAL_ID,
            "0551112233",
            "sara.new@example.org",
        ],
    ]
    before = database_state()

    response = upload(staff_client, csv_bytes(arabic_headers(ROW_COLUMNS), rows))

    assert response.status_code == 200
    preview = response.context["preview"]
    assert outcomes(response) == {2: "create", 3: "create", 4: "modify"}
    assert preview.counts == {"create": 2, "modify": 1, "unchanged": 0, "error": 0}
    created = preview.rows[1].proposed
    assert created["mobile"] == "+966562223344"
    assert created["email"] == "khalid@example.org"
    assert created["kind"] == "donor"
    modified = preview.rows[2]
    assert modified.customer == existing_customer
    # Only the changed field counts.
    assert services.changed_fields(
        services.customer_values(existing_customer), modified.proposed
    ) == ["email"]
    assert [label for label, *_values in modified.changes] == [
        str(Customer._meta.get_field("email").verbose_name)
    ]
    content = response.content.decode()
    assert "نورة سعد الدوسري" in content
    assert reverse("customers:import_confirm") in content
    assert database_state() == before


def test_dry_run_of_a_windows_1256_csv(staff_client):
    content = csv_bytes(arabic_headers(ROW_COLUMNS), new_rows(), encoding="cp1256")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")

    response = upload(staff_client, content)

    assert outcomes(response) == {2: "create", 3: "create"}
    assert response.context["preview"].rows[0].proposed["name"] == "نورة سعد الدوسري"
    assert response.context["preview"].rows[0].proposed["kind"] == "beneficiary"


def test_dry_run_of_a_csv_with_bom_and_english_field_names(staff_client):
    content = b"\xef\xbb\xbf" + csv_bytes(ROW_COLUMNS, new_rows())
    response = upload(staff_client, content)
    assert outcomes(response) == {2: "create", 3: "create"}


def test_dry_run_of_an_xlsx_with_arabic_indic_digits(staff_client):
    arabic_indic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    national_id = NATIONAL_ID_1.translate(arabic_indic)
    rows = [["هند علي", individual(), beneficiary(), national_id, "٠٥٠١٢٣٤٥٦٧", ""]]

    response = upload(staff_client, xlsx_bytes(arabic_headers(ROW_COLUMNS), rows), "list.xlsx")

    assert outcomes(response) == {2: "create"}
    proposed = response.context["preview"].rows[0].proposed
    assert proposed["mobile"] == "+966501234567"
    assert proposed["national_id"] == NATIONAL_ID_1


def test_rows_are_matched_by_code_then_national_id_then_mobile(staff_client, existing_customer):
    other = Customer.objects.create(
        code=900002, name="فهد الحربي", kind="donor", mobile="+966577778888"
    )
    header = ["code", *ROW_COLUMNS]
    rows = [
        # By code, although national ID and mobile are new: renamed.
        [900001, "سارة القحطاني", "individual", "donor", "", "0551112233", "sara@example.org"],
        # By mobile (no code, no national ID): a national ID is added.
        ["", "فهد الحربي", "individual", "donor", NATIONAL_ID_1, "+966 57 777 8888", ""],
        # A code nobody has is an error, never a new customer.
        [123, "مجهول", "individual", "donor", "", "0590000000", ""],
    ]

    response = upload(staff_client, csv_bytes(header, rows))

    preview = response.context["preview"]
    assert outcomes(response) == {2: "modify", 3: "modify", 4: "error"}
    assert preview.rows[0].customer == existing_customer
    assert preview.rows[1].customer == other
    assert preview.rows[2].errors[0].column == "code"
    assert "123" in preview.rows[2].errors[0].message


def test_error_rows_give_row_number_column_and_reason(staff_client):
    header = arabic_headers(ROW_COLUMNS)
    rows = [
        new_rows()[0],
        ["", individual(), beneficiary(), "", "0551234000", ""],  # no name
        ["علي", individual(), beneficiary(), "1111111111", "0123", ""],  # bad ID and mobile
        ["سلمى", individual(), "نوع غير موجود", "", "0551234001", ""],  # unknown type
        ["عمر", individual(), beneficiary(), "", "", ""],  # no way to reach him
    ]

    response = upload(staff_client, csv_bytes(header, rows))

    preview = response.context["preview"]
    assert outcomes(response) == {2: "create", 3: "error", 4: "error", 5: "error", 6: "error"}
    errors = {
        row.number: {(error.column, error.message) for error in row.errors} for row in preview.rows
    }
    name_column, kind_column, id_column, mobile_column = header[0], header[2], header[3], header[4]
    assert {column for column, _message in errors[3]} == {name_column}
    # (The form adds "give at least one way to reach the customer": the mobile is invalid.)
    assert {column for column, _message in errors[4]} >= {id_column, mobile_column}
    assert any("05XXXXXXXX" in message for _column, message in errors[4])
    assert {column for column, _message in errors[5]} == {kind_column}
    assert {column for column, _message in errors[6]} == {""}  # a whole-row error
    content = response.content.decode()
    assert mobile_column in content and "05XXXXXXXX" in content
    assert 'data-row="4" data-outcome="error"' in content
    assert response.context["preview"].counts["error"] == 4


def test_errors_are_reported_in_the_users_language(client, people, settings):
    client.force_login(people["staff"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = [["Ali", "individual", "beneficiary", "", "0123", ""]]
    response = upload(client, csv_bytes(ROW_COLUMNS, rows))
    error = response.context["preview"].rows[0].errors[0]
    assert error.column == "mobile"
    assert error.message.startswith("Enter a valid Saudi mobile number")


def test_names_of_city_and_centre_are_looked_up_and_the_point_of_contact_is_ignored(
    staff_client,
):
    """A donor's point of contact is designated with the sub-council secretary's approval
    (3.1.21), never by an import: the column is listed as ignored."""
    jeddah = CityFactory(name="جدة", name_en="Jeddah")
    centre = CentreFactory(city=jeddah, name="مركز حي الصفا")
    UserFactory(username="fundraiser")
    header = ["name", "kind", "mobile", "city", "centre", "point_of_contact"]
    rows = [
        ["متبرع", donor(), "0551234567", "Jeddah", "مركز حي الصفا", "fundraiser"],
        ["آخر", donor(), "0551234568", "الرياض", "", ""],
        ["ثالث", "donor", "0551234569", "", "", "nobody"],
    ]

    response = upload(staff_client, csv_bytes(header, rows))

    preview = response.context["preview"]
    assert outcomes(response) == {2: "create", 3: "error", 4: "create"}
    assert preview.rows[0].proposed["city"] == jeddah.pk
    assert preview.rows[0].proposed["centre"] == centre.pk
    assert "point_of_contact" not in preview.rows[0].proposed
    assert preview.rows[1].errors[0].column == "city"
    assert preview.ignored_columns == ["point_of_contact"]


def test_two_rows_for_the_same_new_person_are_an_error(staff_client):
    first = new_rows()[0]
    response = upload(staff_client, csv_bytes(arabic_headers(ROW_COLUMNS), [first, first]))
    assert outcomes(response) == {2: "create", 3: "error"}


def test_formula_escaped_cells_are_read_back(staff_client):
    rows = [["'=بيانات", individual(), beneficiary(), "", "0551234567", ""]]
    response = upload(staff_client, csv_bytes(arabic_headers(ROW_COLUMNS), rows))
    assert response.context["preview"].rows[0].proposed["name"] == "=بيانات"


# --- files that cannot be imported ------------------------------------------------------------


def _refused(response):
    assert response.status_code == 200
    assert "preview" not in response.context
    errors = response.context["form"].errors["file"]
    assert errors
    return " ".join(errors)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, ".xlsx"),
        ("report.pdf", b"%PDF-1.4 ...", ".xlsx"),
        ("customers.csv", b"", "empty"),
        ("customers.xlsx", b"this is not a workbook", ".xlsx"),
        ("customers.xlsx", b"PK\x03\x04 broken zip", ".xlsx"),
        ("customers.csv", b"\x00\x01\x02binary\x00", "CSV"),
        ("customers.csv", "الاسم,العمر\nعلي,30\n".encode(), "customer name"),
        ("customers.csv", csv_bytes(ROW_COLUMNS, []), "no customer rows"),
    ],
)
def test_files_that_cannot_be_imported_give_a_message_and_create_nothing(
    client, people, name, content, expected, media_root, settings
):
    client.force_login(people["staff"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    before = database_state()

    message = _refused(upload(client, content, name))

    assert expected in message
    assert database_state() == before
    # The upload kept for the dry run is deleted once the file is refused.
    assert not any(path.is_file() for path in media_root.rglob("*"))


def test_a_file_over_5_mb_is_refused(client, people, settings):
    client.force_login(people["staff"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    header = csv_bytes(ROW_COLUMNS, [])
    content = header + b"x" * (imports.MAX_UPLOAD_BYTES + 1 - len(header))

    message = _refused(upload(client, content))

    assert "5 MB" in message
    assert CustomerRequest.objects.count() == 0


def test_a_text_file_is_refused(staff_client):
    message = _refused(upload(staff_client, b"hello", "notes.txt"))
    assert ".xlsx" in message and "CSV" in message


# --- confirmation ---------------------------------------------------------------------------


def test_confirm_creates_one_submitted_import_form_and_no_customer(
    staff_client, people, existing_customer
):
    Customer.objects.create(code=900002, name="فهد الحربي", kind="donor", mobile="+966577778888")
    sara = [existing_customer.name, individual(), donor(), EXISTING_NATIONAL_ID, "0551112233"]
    rows = [
        *new_rows(),
        [*sara, "new@x.org"],
        # Unchanged and error rows are left out of the form.
        ["فهد الحربي", individual(), donor(), "", "0577778888", ""],
        [*sara, "other@x.org"],  # Sara again
        ["", individual(), beneficiary(), "", "0551230000", ""],
    ]
    content = csv_bytes(arabic_headers(ROW_COLUMNS), rows)
    preview_response = upload(staff_client, content)
    assert outcomes(preview_response) == {
        2: "create",
        3: "create",
        4: "modify",
        5: "unchanged",
        6: "error",  # the same customer as row 4
        7: "error",
    }
    customers_before = list(Customer.objects.values())

    response = confirm(staff_client, preview_response, follow=True)

    form_request = CustomerRequest.objects.get()
    # Through the confirmation job's page to the new form, with its message.
    assert response.redirect_chain[0][0].startswith("/jobs/")
    assert response.redirect_chain[-1][0] == reverse(
        "customers:request_detail", args=[form_request.pk]
    )
    [message] = [str(message) for message in response.context["messages"]]
    assert str(form_request.pk) in message
    assert form_request.kind == RequestKind.IMPORT
    assert form_request.state == RequestState.SUBMITTED
    assert form_request.prepared_by == people["staff"]
    assert form_request.reason == "قائمة المتبرعين من حملة رمضان"
    assert form_request.source_file_digest == imports.file_digest(content)
    lines = list(form_request.lines.order_by("source_row"))
    assert [(line.action, line.source_row) for line in lines] == [
        (LineAction.CREATE, 2),
        (LineAction.CREATE, 3),
        (LineAction.MODIFY, 4),
    ]
    assert lines[0].proposed["name"] == "نورة سعد الدوسري"
    assert lines[2].customer == existing_customer
    assert lines[2].proposed == {"email": "new@x.org"}
    # The import itself writes nothing to the customer database.
    assert list(Customer.objects.values()) == customers_before
    assert form_request.transitions.get().target == RequestState.SUBMITTED
    # The stored upload is gone once confirmed.
    assert not any(p.is_file() for p in (imports._upload_directory()).iterdir())


def test_confirm_needs_a_reason(staff_client):
    preview_response = upload(staff_client, csv_bytes(arabic_headers(ROW_COLUMNS), new_rows()))
    response = confirm(staff_client, preview_response, reason="  ")
    assert response.status_code == 200
    assert response.context["confirm_form"].errors["reason"]
    assert CustomerRequest.objects.count() == 0


def test_nothing_to_confirm_when_every_row_is_unchanged_or_wrong(
    client, people, existing_customer, settings
):
    client.force_login(people["staff"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sara = [existing_customer.name, "individual", "donor", EXISTING_NATIONAL_ID, "0551112233"]
    rows = [[*sara, "sara@example.org"], ["", "individual", "donor", "", "0551112234", ""]]
    preview_response = upload(client, csv_bytes(ROW_COLUMNS, rows))
    assert outcomes(preview_response) == {2: "unchanged", 3: "error"}
    assert reverse("customers:import_confirm") not in preview_response.content.decode()

    response = confirm(client, preview_response, follow=True)

    assert response.status_code == 200
    [message] = [str(message) for message in response.context["messages"]]
    assert "nothing to import" in message
    assert response.context["preview"].counts["unchanged"] == 1
    assert CustomerRequest.objects.count() == 0


def test_the_same_file_cannot_be_confirmed_twice(staff_client):
    content = csv_bytes(arabic_headers(ROW_COLUMNS), new_rows())
    first = upload(staff_client, content)
    confirm(staff_client, first)
    form_request = CustomerRequest.objects.get()

    # The same upload again (a double click): already taken.
    again = confirm(staff_client, first)
    assert again.status_code == 302 and again.url == reverse("customers:import")

    # The same file uploaded again: the dry run says so, and confirming is refused.
    second = upload(staff_client, content)
    assert second.context["preview"].previous_import == form_request
    assert f"{form_request.pk}" in second.content.decode()
    refused = confirm(staff_client, second, follow=True)
    assert refused.status_code == 200
    messages = [str(message) for message in refused.context["messages"]]
    assert any(str(form_request.pk) in message for message in messages)
    assert CustomerRequest.objects.count() == 1


def test_a_rejected_import_may_be_confirmed_again(staff_client, people):
    content = csv_bytes(arabic_headers(ROW_COLUMNS), new_rows())
    confirm(staff_client, upload(staff_client, content))
    services.customer_request_reject(
        request=CustomerRequest.objects.get(), actor=people["manager"], note="ناقص"
    )
    response = confirm(staff_client, upload(staff_client, content))
    assert response.status_code == 302
    assert CustomerRequest.objects.count() == 2


def test_reimporting_the_file_after_entry_changes_nothing(staff_client, people):
    jeddah = CityFactory(name="جدة", name_en="Jeddah")
    CentreFactory(city=jeddah, name="مركز حي الصفا")
    header = arabic_headers(
        ROW_COLUMNS + ["city", "centre", "sms_consent", "consent_date", "consent_source"]
    )
    rows = [
        [*new_rows()[0], "جدة", "مركز حي الصفا", "نعم", "2026-01-15", "استمارة ورقية"],
        [*new_rows()[1], "", "", "لا", "", ""],
    ]
    content = csv_bytes(header, rows)
    confirm(staff_client, upload(staff_client, content))
    form_request = CustomerRequest.objects.get()
    services.customer_request_approve(request=form_request, actor=people["manager"])
    services.customer_request_enter(request=form_request, actor=people["steward"])
    assert Customer.objects.count() == 2

    response = upload(staff_client, content)

    assert outcomes(response) == {2: "unchanged", 3: "unchanged"}
    assert {row.customer.pk for row in response.context["preview"].rows} == set(
        Customer.objects.values_list("pk", flat=True)
    )
    assert not response.context["preview"].can_confirm
    assert Customer.objects.count() == 2


def test_an_exported_list_imports_back_unchanged(staff_client, people, existing_customer):
    jeddah = CityFactory(name="جدة", name_en="Jeddah")
    centre = CentreFactory(city=jeddah, name="مركز حي الروضة")
    Customer.objects.create(
        code=900003,
        name="=جمعية الخير",
        entity_type="organisation",
        kind="donor",
        city=jeddah,
        centre=centre,
        phone="+966126543210",
        email="info@khair.org",
        contact_channel="email",
        point_of_contact=people["staff"],
        notes="ملاحظة",
    )
    consents_record(
        customer_id=Customer.objects.get(code=900003).pk,
        changes={"email.marketing": True},
        at=day_start(datetime.date(2025, 12, 1)),
        source="form",
        evidence="خطاب رسمي",
    )
    # A name imported from a formula cell, stored escaped.
    Customer.objects.create(
        code=900004, name='\'=HYPERLINK("x")', kind="donor", mobile="+966577770000"
    )
    exports = (("customers:export_xlsx", "list.xlsx"), ("customers:export_csv", "list.csv"))
    for export_name, filename in exports:
        exported = b"".join(staff_client.get(reverse(export_name)).streaming_content)
        response = upload(staff_client, exported, filename)
        assert outcomes(response) == {2: "unchanged", 3: "unchanged", 4: "unchanged"}, [
            (row.number, row.errors, row.changes) for row in response.context["preview"].rows
        ]


# --- speed ------------------------------------------------------------------------------------


def test_the_dry_run_does_not_query_per_row(staff_client, django_assert_max_num_queries):
    jeddah = CityFactory(name="جدة")
    CentreFactory(city=jeddah, name="مركز حي الصفا")
    header = ["name", "kind", "mobile", "national_id", "city", "centre"]
    rows = [
        [f"مستفيد {n}", beneficiary(), f"05{50000000 + n}", make_valid_national_id(f"1{n:08d}")]
        + ["جدة", "مركز حي الصفا"]
        for n in range(300)
    ]
    content = csv_bytes(header, rows)
    with django_assert_max_num_queries(12):
        preview = imports.preview_import(content, "big.csv")
    assert preview.counts["create"] == 300


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"mobile": "٠٥٥١٢٣٤٥٦٧", "national_id": NATIONAL_ID_1},
        {"national_id": "1111111111"},
        {"mobile": "12345", "email": ""},
        {"consent_sms_marketing": True},
        {"consent_sms_marketing": True, "consent_date": "2026-02-01", "consent_source": "هاتف"},
        {"consent_email_service": True},
        {"kind": "nonsense", "entity_type": ""},
        {"name": "", "email": "Mixed@Example.ORG"},
    ],
)
def test_import_rows_follow_the_rules_of_the_customer_form(db, changes):
    from customers.forms import CustomerDataForm

    data = {
        "name": "أحمد",
        "entity_type": "individual",
        "kind": "beneficiary",
        "mobile": "0501234567",
        "is_active": True,
        **changes,
    }
    paper = CustomerDataForm(data=data)
    cleaned, errors = imports.RowChecker().check(data)
    assert paper.is_valid() == (not errors)
    assert paper.errors == errors
    if paper.is_valid():
        assert services.values_from_cleaned_data(
            paper.cleaned_data
        ) == services.values_from_cleaned_data(cleaned)


def test_a_file_with_too_many_rows_is_refused(client, people, settings, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    client.force_login(people["staff"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = [*new_rows(), ["ثالث", "individual", "donor", "", "0551230000", ""]]
    message = _refused(upload(client, csv_bytes(ROW_COLUMNS, rows)))
    assert "more than 2 customer rows" in message


def test_a_semicolon_separated_csv_with_blank_lines_keeps_spreadsheet_row_numbers(staff_client):
    content = "\n".join(
        [";".join(ROW_COLUMNS), "", ";".join(new_rows()[0]), ";;;;;", ";".join(new_rows()[1])]
    ).encode("utf-8")
    response = upload(staff_client, content)
    assert outcomes(response) == {3: "create", 5: "create"}


# --- files from the field (issue 10, items 12 and 14) -------------------------------------------


def test_a_workbook_whose_shared_strings_unpack_to_150_mb_is_refused(client, people, settings):
    from core.imports import samples

    client.force_login(people["staff"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = [ROW_COLUMNS, new_rows()[0]]
    content = samples.workbook_bytes(rows, shared_strings_bytes=150 * 1024 * 1024)
    assert len(content) < imports.MAX_UPLOAD_BYTES

    message = _refused(upload(client, content, "list.xlsx"))

    assert "MB of text" in message
    assert CustomerRequest.objects.count() == 0


def test_a_sheet_formatted_to_the_last_row_gives_its_customers(staff_client):
    from core.imports import samples

    content = samples.workbook_bytes(
        [arabic_headers(ROW_COLUMNS), *new_rows()], formatted_to=samples.LAST_EXCEL_ROW
    )
    response = upload(staff_client, content, "formatted.xlsx")
    assert outcomes(response) == {2: "create", 3: "create"}


def test_rows_of_a_mixed_encoding_csv_are_errors_never_garbled_names(staff_client):
    header, (first, _second) = arabic_headers(ROW_COLUMNS), new_rows()
    second = ["خالد عمر", individual(), donor(), NATIONAL_ID_2, "0562223344", ""]
    lines = [
        ",".join(header).encode("cp1256"),
        ",".join(first).encode("cp1256"),
        ",".join(second).encode("utf-8"),  # a line pasted from a UTF-8 file
        ",".join(["هند علي", individual(), beneficiary(), "", "0501234567", ""]).encode("cp1256"),
    ]
    response = upload(staff_client, b"\r\n".join(lines))

    assert outcomes(response) == {2: "create", 3: "error", 4: "create"}
    preview = response.context["preview"]
    assert "UTF-8" in preview.rows[1].errors[0].message
    assert [row.name for row in preview.rows if row.outcome == "create"] == [
        "نورة سعد الدوسري",
        "هند علي",
    ]
    assert "\ufffd" not in response.content.decode()


# --- customer import fidelity (item 16) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("مانح", "donor"),
        ("داعم", "donor"),
        ("مانح/داعم", "donor"),
        ("متبرع", "donor"),
        ("Supporter", "donor"),
        ("حكومي", "government"),
        ("جهة حكومية", "government"),
        ("جهه حكوميه", "government"),
        ("Government", "government"),
        ("مستفيد", "beneficiary"),
        ("مستفيدة", "beneficiary"),
        ("عضو مجلس حي", "council_member"),
        ("أعضاء مجالس أحياء", "council_member"),
        ("council member", "council_member"),
        ("أخرى", "other"),
        ("اخرى", "other"),
        ("مختلف", "other"),
    ],
)
def test_short_and_common_forms_of_the_customer_types_are_accepted(staff_client, written, kind):
    rows = [["نورة", individual(), written, "", "0551234567", ""]]
    response = upload(staff_client, csv_bytes(arabic_headers(ROW_COLUMNS), rows))
    assert outcomes(response) == {2: "create"}, response.context["preview"].rows[0].errors
    assert response.context["preview"].rows[0].proposed["kind"] == kind


def test_same_name_with_another_mobile_in_one_file_is_flagged_as_a_possible_duplicate(
    staff_client, people
):
    rows = [
        ["أحمد محمد الغامدي", individual(), beneficiary(), "", "0551234567", ""],
        ["احمد محمّد الغامـدي", individual(), beneficiary(), "", "0559876543", ""],
        ["سلمى", individual(), beneficiary(), "", "0551111111", ""],
    ]
    response = upload(staff_client, csv_bytes(arabic_headers(ROW_COLUMNS), rows))

    assert outcomes(response) == {2: "create", 3: "create", 4: "create"}
    warnings = {row.number: row.warnings for row in response.context["preview"].rows}
    assert any("3" in warning for warning in warnings[2])
    assert any("2" in warning for warning in warnings[3])
    assert warnings[4] == []
    assert "text-warning-emphasis" in response.content.decode()

    # The manager sees them on the form's approval page.
    confirm(staff_client, response)
    form_request = CustomerRequest.objects.get()
    staff_client.force_login(people["manager"])
    page = staff_client.get(reverse("customers:request_detail", args=[form_request.pk]))
    duplicates = {item["line"].source_row: item["duplicates"] for item in page.context["lines"]}
    assert [match.line.source_row for match in duplicates[2]] == [3]
    assert [match.line.source_row for match in duplicates[3]] == [2]
    assert duplicates[4] == []
    assert page.content.decode().count('data-testid="duplicates"') == 2


def test_a_formula_in_the_name_is_read_as_its_text_kept_escaped(staff_client):
    from core.imports import samples

    name = samples.FormulaCell('HYPERLINK("http://evil.example/","نورة")')  # no cached value
    rows = [[name, individual(), beneficiary(), "", "0551234567", ""]]
    content = samples.workbook_bytes([arabic_headers(ROW_COLUMNS), *rows])

    response = upload(staff_client, content, "list.xlsx")

    assert outcomes(response) == {2: "create"}
    proposed = response.context["preview"].rows[0].proposed
    assert proposed["name"] == '\'=HYPERLINK("http://evil.example/","نورة")'


CONSENT_COLUMNS = [*ROW_COLUMNS, "sms_consent", "consent_date", "consent_source"]


def consent_row(consent_date):
    return [*new_rows()[0], "نعم", consent_date, "استمارة ورقية"]


def test_a_consent_date_in_the_future_is_a_row_error(staff_client):
    header = arabic_headers(CONSENT_COLUMNS)
    response = upload(staff_client, csv_bytes(header, [consent_row("01/01/2099")]))
    assert outcomes(response) == {2: "error"}
    [error] = response.context["preview"].rows[0].errors
    assert error.column == header[-2]


def test_a_future_consent_date_is_refused_by_the_web_form_too(db):
    import datetime

    from django.utils import timezone

    from customers.forms import CustomerDataForm

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = {
        "name": "أحمد",
        "entity_type": "individual",
        "kind": "beneficiary",
        "mobile": "0501234567",
        "is_active": True,
        "consent_sms_marketing": True,
        "consent_source": "هاتف",
    }
    form = CustomerDataForm(data={**data, "consent_date": tomorrow.isoformat()})
    assert not form.is_valid()
    assert "consent_date" in form.errors
    assert CustomerDataForm(data={**data, "consent_date": timezone.localdate()}).is_valid()


# --- dates as Saudi users write them (item 21) ----------------------------------------------------


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("١٤٤٦/٠٩/١٥", "2025-03-15"),  # Hijri, from an office suite with a Saudi locale
        ("15/09/1446", "2025-03-15"),
        ("04/07/25", "2025-07-04"),  # 4 July, never 7 April
        ("15/03/25", "2025-03-15"),
        ("2025-07-04", "2025-07-04"),
    ],
)
def test_consent_dates_are_read_as_saudi_users_write_them(staff_client, written, stored):
    response = upload(
        staff_client, csv_bytes(arabic_headers(CONSENT_COLUMNS), [consent_row(written)])
    )
    assert outcomes(response) == {2: "create"}, response.context["preview"].rows[0].errors
    assert response.context["preview"].rows[0].proposed["consent_date"] == stored


@pytest.mark.parametrize(
    ("written", "words"),
    [("07/15/2025", "month"), ("1446/09/30", "Hijri"), ("01/01/1850", "1900"), ("soon", "date")],
)
def test_ambiguous_or_implausible_consent_dates_are_row_errors_naming_the_column(
    client, people, settings, written, words
):
    client.force_login(people["staff"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = upload(client, csv_bytes(CONSENT_COLUMNS, [consent_row(written)]))
    assert outcomes(response) == {2: "error"}
    [error] = response.context["preview"].rows[0].errors
    assert error.column == "consent_date"
    assert words in error.message


def test_the_dry_run_shows_the_values_a_new_row_will_write(staff_client):
    with translation.override("ar"):
        response = upload(
            staff_client, csv_bytes(arabic_headers(CONSENT_COLUMNS), [consent_row("١٤٤٦/٠٩/١٥")])
        )
    content = response.content.decode()
    assert "القيم التي ستُكتب" in content
    # The converted date, Gregorian with the Hijri beside it, and the other values.
    assert "15 مارس 2025" in content and "15 رمضان 1446" in content
    assert "نورة سعد الدوسري" in content and "استمارة ورقية" in content
