"""Importing the portfolio: the dry run decides row by row, the confirmation writes the new
and changed programmes in one go, and importing the same file again changes nothing."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from programmes import imports
from programmes.models import Programme, ProgrammeCategory
from tests.factories import CentreFactory, CityFactory
from tests.xlsx_checks import assert_prints_one_page_wide

from .conftest import make_programme

pytestmark = pytest.mark.django_db

ARABIC_HEADER = [
    "رمز البرنامج",
    "اسم البرنامج",
    "الفئة",
    "المراكز",
    "تاريخ البداية",
    "تاريخ النهاية",
    "الميزانية",
    "الوصف",
    "الحالة",
    "سنة المحفظة",
]
ENGLISH_HEADER = list(imports.COLUMNS)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def centres(db):
    jeddah = CityFactory(name="جدة", name_en="Jeddah")
    return {
        "safa": CentreFactory(city=jeddah, name="مركز حي الصفا"),
        "naseem": CentreFactory(city=jeddah, name="مركز حي النسيم"),
    }


@pytest.fixture
def manager_client(client, people):
    client.force_login(people["manager"])
    return client


def portfolio_rows():
    return [
        [
            "EDU-٠١",
            "برنامج محو الأمية",
            "تعليم",
            "مركز حي الصفا، مركز حي النسيم",
            "٠١/٠٢/٢٠٢٦",
            "2026-12-31",
            "١٢٠٬٠٠٠",
            "فصول مسائية للكبار",
            "مخطط",
            "٢٠٢٦",
        ],
        [
            "HEA-02",
            "العيادة المتنقلة",
            "صحة",
            "مركز حي الصفا",
            "2026-03-01",
            "2026-06-30",
            "75000.50",
            "",
            "قيد التنفيذ",
            "2026",
        ],
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


def upload(client, content, name="portfolio.csv"):
    """The upload, then the pages it leads to (the dry run is a background job, eager in the
    tests): the preview, or the upload page with the file's error."""
    return client.post(
        reverse("programmes:import"), {"file": SimpleUploadedFile(name, content)}, follow=True
    )


def outcomes(response):
    return {row.number: row.outcome for row in response.context["preview"].rows}


def confirm(client, response, follow=False):
    """Confirm the dry run shown: the confirmation job's page (followed: where it leads)."""
    job = response.context["job"].pk
    return client.post(reverse("programmes:import_confirm"), {"job": job}, follow=follow)


def portfolio_state():
    return (
        list(Programme.objects.order_by("pk").values()),
        sorted(Programme.centres.through.objects.values_list("programme_id", "centre_id")),
        list(ProgrammeCategory.objects.order_by("pk").values()),
        sorted(Programme.history.values_list("history_id", flat=True)),
    )


# --- the journey ------------------------------------------------------------------------


def test_dry_run_writes_nothing_then_confirm_writes_through_the_services(
    manager_client, people, centres, media_root
):
    before = portfolio_state()
    response = upload(manager_client, csv_bytes(ARABIC_HEADER, portfolio_rows()))

    assert response.status_code == 200
    assert outcomes(response) == {2: "create", 3: "create"}
    assert portfolio_state() == before
    notes = [note for row in response.context["preview"].rows for note in row.notes]
    assert len(notes) == 2  # two categories to add
    assert len(list((media_root / "imports").iterdir())) == 1

    response = confirm(manager_client, response, follow=True)

    # Through the confirmation job's page to the portfolio, with its message.
    assert response.redirect_chain[0][0].startswith("/jobs/")
    assert response.redirect_chain[-1][0] == reverse("programmes:list")
    [message] = [str(message) for message in response.context["messages"]]
    assert "2" in message
    literacy = Programme.objects.get(code="EDU-01")
    assert literacy.name == "برنامج محو الأمية"
    assert literacy.category.name == "تعليم"
    assert set(literacy.centres.all()) == {centres["safa"], centres["naseem"]}
    assert (literacy.start_date, literacy.end_date) == (
        datetime.date(2026, 2, 1),
        datetime.date(2026, 12, 31),
    )
    assert (literacy.budget, literacy.status, literacy.portfolio_year) == (
        Decimal("120000"),
        "planned",
        2026,
    )
    clinic = Programme.objects.get(code="HEA-02")
    assert (clinic.budget, clinic.status) == (Decimal("75000.50"), "active")
    created = literacy.history.earliest()
    assert created.history_user == people["manager"]
    assert "portfolio.csv" in created.history_change_reason
    assert list((media_root / "imports").iterdir()) == []


def test_importing_the_same_file_again_changes_nothing(manager_client, centres):
    content = csv_bytes(ARABIC_HEADER, portfolio_rows())
    confirm(manager_client, upload(manager_client, content))
    before = portfolio_state()

    response = upload(manager_client, content)

    assert outcomes(response) == {2: "unchanged", 3: "unchanged"}
    assert not response.context["preview"].can_confirm
    assert 'data-testid="nothing-to-import"' in response.content.decode()
    followed = confirm(manager_client, response, follow=True)
    assert followed.status_code == 200
    [message] = [str(message) for message in followed.context["messages"]]
    assert "nothing to import" in message or "لا يوجد" in message
    assert portfolio_state() == before


def test_a_changed_row_updates_the_programme_with_that_code(
    manager_client, in_english, people, centres
):
    confirm(manager_client, upload(manager_client, csv_bytes(ARABIC_HEADER, portfolio_rows())))
    rows = portfolio_rows()
    rows[1][6] = "90000"
    rows[1][3] = "مركز حي النسيم"
    response = upload(manager_client, csv_bytes(ARABIC_HEADER, rows))

    assert outcomes(response) == {2: "unchanged", 3: "update"}
    row = response.context["preview"].rows[1]
    changed = {label for label, _old, _new in row.changes}
    assert changed == {str(imports.column_label("budget")), str(imports.column_label("centres"))}
    page = response.content.decode()
    assert "75,000.50" in page and "90,000" in page

    confirm(manager_client, response)
    clinic = Programme.objects.get(code="HEA-02")
    assert clinic.budget == Decimal("90000")
    assert list(clinic.centres.all()) == [centres["naseem"]]
    assert clinic.history.latest().history_user == people["manager"]
    assert Programme.objects.get(code="EDU-01").history.count() == 2  # created, centres set


def test_codes_match_whatever_the_case_and_absent_columns_keep_their_values(
    manager_client, category
):
    existing = make_programme(code="EDU-7", budget=Decimal("5000"), description="قديم")
    response = upload(manager_client, csv_bytes(["code", "name"], [["edu-7", "اسم جديد"]]))
    assert outcomes(response) == {2: "update"}
    confirm(manager_client, response)
    existing.refresh_from_db()
    assert (existing.code, existing.name) == ("EDU-7", "اسم جديد")
    assert (existing.budget, existing.description) == (Decimal("5000"), "قديم")


# --- row errors -------------------------------------------------------------------------


def errors_by_row(response):
    return {
        row.number: [(error.column, error.message) for error in row.errors]
        for row in response.context["preview"].rows
        if row.errors
    }


def test_row_errors_name_the_row_the_column_and_the_reason(manager_client, in_english, centres):
    good = portfolio_rows()[0]
    rows = [
        good,
        ["", "بلا رمز", "تعليم", "", "", "", "0", "", "", ""],
        ["X-1", "نهاية قبل البداية", "تعليم", "", "2026-05-01", "2026-04-01", "0", "", "", ""],
        ["X-2", "مركز مجهول", "تعليم", "مركز حي القمر", "", "", "0", "", "", ""],
        ["X-3", "ميزانية سالبة", "تعليم", "", "", "", "-10", "", "", ""],
        ["X-4", "ميزانية نصية", "تعليم", "", "", "", "كثير", "", "", ""],
        ["X-5", "حالة غريبة", "تعليم", "", "", "", "0", "", "مؤجل", ""],
        ["X-6", "بلا فئة", "", "", "", "", "0", "", "", ""],
        ["EDU-01", "رمز مكرر", "تعليم", "", "", "", "0", "", "", ""],
        ["X-7", "تاريخ غير مفهوم", "تعليم", "", "أمس", "", "0", "", "", ""],
    ]
    response = upload(manager_client, csv_bytes(ARABIC_HEADER, rows))
    errors = errors_by_row(response)

    assert outcomes(response)[2] == "create"
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9, 10, 11}
    assert errors[3][0][0] == "رمز البرنامج"
    assert errors[4] == [("تاريخ النهاية", "The end date cannot be before the start date.")]
    assert errors[5][0][0] == "المراكز" and "مركز حي القمر" in errors[5][0][1]
    assert errors[6] == [("الميزانية", "The budget cannot be negative.")]
    assert errors[7][0][0] == "الميزانية"
    assert errors[8][0][0] == "الحالة"
    assert errors[9][0][0] == "الفئة"
    assert errors[10] == [("رمز البرنامج", "Row 2 of this file has the same programme code.")]
    assert errors[11][0][0] == "تاريخ البداية"
    page = response.content.decode()
    assert 'data-row="4" data-outcome="error"' in page
    assert "The end date cannot be before the start date." in page

    confirm(manager_client, response)
    assert list(Programme.objects.values_list("code", flat=True)) == ["EDU-01"]


def test_centres_of_one_name_in_two_cities_need_the_city(manager_client, category):
    makkah = CityFactory(name="مكة المكرمة", name_en="Makkah")
    taif = CityFactory(name="الطائف", name_en="Taif")
    in_makkah = CentreFactory(city=makkah, name="مركز حي الفيصلية")
    CentreFactory(city=taif, name="مركز حي الفيصلية")
    header = ["code", "name", "category", "centres"]
    content = csv_bytes(
        header,
        [
            ["A", "أ", "تعليم", "مركز حي الفيصلية"],
            ["B", "ب", "تعليم", "مركز حي الفيصلية (مكة المكرمة)"],
        ],
    )
    response = upload(manager_client, content)
    errors = errors_by_row(response)
    assert "(" in errors[2][0][1]
    assert response.context["preview"].rows[1].outcome == "create"
    row = imports.preview_import(content, "portfolio.csv").rows[1]
    assert row.outcome == "create" and row.values["centres"] == [in_makkah]


def test_a_closed_centre_is_refused_for_a_new_programme(manager_client, centres):
    centres["naseem"].is_active = False
    centres["naseem"].save()
    response = upload(
        manager_client,
        csv_bytes(["code", "name", "category", "centres"], [["A", "أ", "تعليم", "مركز حي النسيم"]]),
    )
    assert errors_by_row(response)[2][0][0] == "centres"


# --- file formats -----------------------------------------------------------------------


def test_xlsx_with_english_headers_and_real_dates_and_numbers(manager_client, centres):
    rows = [
        [
            "EDU-01",
            "برنامج محو الأمية",
            "تعليم",
            "مركز حي الصفا, مركز حي النسيم",
            datetime.datetime(2026, 2, 1),
            datetime.date(2026, 12, 31),
            120000,
            "",
            "planned",
            2026,
        ]
    ]
    response = upload(manager_client, xlsx_bytes(ENGLISH_HEADER, rows), name="portfolio.xlsx")
    assert outcomes(response) == {2: "create"}
    confirm(manager_client, response)
    programme = Programme.objects.get()
    assert programme.start_date == datetime.date(2026, 2, 1)
    assert programme.budget == Decimal("120000")
    assert programme.centres.count() == 2


def test_the_fields_verbose_names_are_headers_too(manager_client, centres):
    with translation.override("ar"):
        header = [str(imports.column_label(name)) for name in imports.COLUMNS]
    response = upload(manager_client, csv_bytes(header, portfolio_rows()))
    assert outcomes(response) == {2: "create", 3: "create"}


def test_windows_arabic_csv(manager_client, centres):
    content = csv_bytes(ARABIC_HEADER, portfolio_rows()[1:], encoding="cp1256")
    response = upload(manager_client, content)
    assert outcomes(response) == {2: "create"}
    assert response.context["preview"].rows[0].name == "العيادة المتنقلة"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "portfolio.csv", "The submitted file is empty."),
        (b"\n\n", "portfolio.csv", "The file is empty."),
        (b"code,name\n", "portfolio.csv", "The file has column headers but no programme rows."),
        (b"code,name\nA,B\n", "portfolio.txt", "Upload an Excel workbook (.xlsx) or a CSV file"),
        (b"PK\x03\x04 not really a workbook", "portfolio.xlsx", "not a readable Excel workbook"),
        ("الاسم,الوصف\nأ,ب\n".encode(), "portfolio.csv", "Missing columns"),
        (b"code,code,name\nA,A,B\n", "portfolio.csv", "appears twice"),
    ],
)
def test_bad_files_are_refused_with_a_reason(manager_client, in_english, content, name, message):
    response = upload(manager_client, content, name=name)
    assert response.status_code == 200
    assert "preview" not in response.context
    assert message in str(response.context["form"].errors["file"])
    assert not Programme.objects.exists()


def test_unrecognised_columns_are_listed(manager_client, category):
    response = upload(
        manager_client,
        csv_bytes(["code", "name", "category", "ملاحظات"], [["A", "أ", "تعليم", "x"]]),
    )
    assert response.context["preview"].ignored_columns == ["ملاحظات"]


# --- the stored upload ------------------------------------------------------------------


def test_a_confirmed_upload_cannot_be_confirmed_twice(manager_client, centres):
    response = upload(manager_client, csv_bytes(ARABIC_HEADER, portfolio_rows()))
    confirm(manager_client, response)
    state = portfolio_state()
    again = confirm(manager_client, response)
    assert again.status_code == 302 and again.url == reverse("programmes:import")
    assert portfolio_state() == state


def test_another_users_token_is_refused(client, people, centres):
    client.force_login(people["planning"])
    response = upload(client, csv_bytes(ARABIC_HEADER, portfolio_rows()))
    client.force_login(people["manager"])
    refused = confirm(client, response)
    assert refused.status_code == 302
    assert not Programme.objects.exists()


def test_the_confirmation_reads_the_portfolio_again(manager_client, people, centres):
    """A programme added between the dry run and the confirmation is updated, not made
    twice."""
    response = upload(manager_client, csv_bytes(ARABIC_HEADER, portfolio_rows()[:1]))
    make_programme(code="EDU-01", name="اسم قديم")
    confirm(manager_client, response)
    assert Programme.objects.get(code="EDU-01").name == "برنامج محو الأمية"
    assert Programme.objects.count() == 1


# --- the template and speed -------------------------------------------------------------


def test_the_template_workbook_has_the_headers_right_to_left(manager_client):
    response = manager_client.get(reverse("programmes:import_template"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert sheet.sheet_view.rightToLeft
    header = [cell.value for cell in sheet[1]]
    assert len(header) == len(imports.COLUMNS)
    # The template's own headers import.
    assert imports.map_columns(header)[1].keys() == set(imports.COLUMNS)
    assert all(cell.font.bold for cell in sheet[1])
    assert_prints_one_page_wide(sheet, landscape=True)


def test_the_dry_run_does_not_query_per_row(people, centres, django_assert_max_num_queries):
    for n in range(50):
        make_programme(code=f"OLD-{n}")
    rows = [
        [f"NEW-{n}", f"برنامج {n}", "تعليم", "مركز حي الصفا", "", "", "1000", "", "", "2026"]
        for n in range(200)
    ] + [[f"OLD-{n}", "اسم معدل", "تعليم", "", "", "", "1000", "", "", ""] for n in range(50)]
    content = csv_bytes(ARABIC_HEADER, rows)
    with django_assert_max_num_queries(6):
        preview = imports.preview_import(content, "big.csv", actor=people["manager"])
    assert preview.counts["create"] == 200
    assert preview.counts["update"] == 50


def test_a_new_category_named_in_several_rows_is_added_once(manager_client):
    rows = [["A", "أ", "بيئة"], ["B", "ب", "بيئه"], ["C", "ج", "البيئة"]]
    response = upload(manager_client, csv_bytes(["code", "name", "category"], rows))
    notes = [len(row.notes) for row in response.context["preview"].rows]
    assert notes == [1, 0, 1]
    confirm(manager_client, response)
    assert sorted(ProgrammeCategory.objects.values_list("name", flat=True)) == ["البيئة", "بيئة"]
    assert Programme.objects.get(code="B").category.name == "بيئة"


# --- files from the field and Saudi dates (issue 10, items 12, 14 and 21) -----------------------


def dated_row(start, end="", code="EDU-01"):
    return [code, "برنامج محو الأمية", "تعليم", "مركز حي الصفا", start, end, "1000", "", "", ""]


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("١٤٤٧/٠٩/٠١", datetime.date(2026, 2, 18)),  # Hijri, Umm al-Qura
        ("01/09/1447", datetime.date(2026, 2, 18)),
        ("04/07/26", datetime.date(2026, 7, 4)),  # day first: 4 July
        ("15/03/26", datetime.date(2026, 3, 15)),
    ],
)
def test_programme_dates_are_read_as_saudi_users_write_them(
    manager_client, centres, start, expected
):
    response = upload(manager_client, csv_bytes(ARABIC_HEADER, [dated_row(start)]))
    assert outcomes(response) == {2: "create"}, response.context["preview"].rows[0].errors
    confirm(manager_client, response)
    assert Programme.objects.get().start_date == expected


@pytest.mark.parametrize(
    ("start", "words"),
    [("02/15/2026", "month"), ("1446/09/30", "Hijri"), ("1850-01-01", "1900"), ("soon", "date")],
)
def test_ambiguous_or_implausible_programme_dates_are_row_errors(
    manager_client, in_english, centres, start, words
):
    response = upload(manager_client, csv_bytes(ARABIC_HEADER, [dated_row(start)]))
    assert outcomes(response) == {2: "error"}
    [error] = response.context["preview"].rows[0].errors
    assert error.column == "تاريخ البداية"
    assert words in error.message


def test_the_dry_run_shows_the_values_a_new_programme_will_have(manager_client, centres):
    with translation.override("ar"):
        response = upload(
            manager_client, csv_bytes(ARABIC_HEADER, [dated_row("١٤٤٧/٠٩/٠١", "2026-12-31")])
        )
    content = response.content.decode()
    assert "القيم التي ستُكتب" in content
    assert "18 فبراير 2026" in content and "1 رمضان 1447" in content
    assert "مركز حي الصفا" in content


def test_a_row_of_a_mixed_encoding_csv_is_an_error(manager_client, centres):
    lines = [
        ",".join(ARABIC_HEADER).encode("cp1256"),
        ",".join(dated_row("2026-02-01")).encode("cp1256"),
        ",".join(dated_row("2026-02-01", code="EDU-02")).encode("utf-8"),
    ]
    response = upload(manager_client, b"\r\n".join(lines))
    assert outcomes(response) == {2: "create", 3: "error"}
    [error] = response.context["preview"].rows[1].errors
    assert "UTF-8" in error.message


def test_a_portfolio_formatted_to_the_last_row_is_read_to_its_data(manager_client, centres):
    from core.imports import samples

    content = samples.workbook_bytes(
        [ARABIC_HEADER, dated_row("2026-02-01")], formatted_to=samples.LAST_EXCEL_ROW
    )
    response = upload(manager_client, content, name="portfolio.xlsx")
    assert outcomes(response) == {2: "create"}
