"""Donations from the finance system (manual 6.1.7): the import in two steps (a dry run,
then one transaction), receipts never added twice, unmatched rows kept aside then matched
by hand, the permissions of the donation pages, and the money received against a pledge.
The list, the matching pages and the donor's panel are tested beside it."""

import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from finance import selectors as finance_selectors
from finance import services as finance_services
from finance.models import Donation, DonationImport
from opportunities import donations
from opportunities import selectors as opportunity_selectors
from opportunities.models import Opportunity
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db

ENGLISH_HEADER = ["receipt number", "date", "amount", "donor code", "programme code"]
ARABIC_HEADER = ["رقم الإيصال", "التاريخ", "المبلغ", "رقم العميل", "رمز البرنامج"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def in_english(english):
    """Messages compared in English, for the functions and for the pages."""


def csv_bytes(rows, header=ENGLISH_HEADER, encoding="utf-8"):
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(header)
    writer.writerows(rows)
    return output.getvalue().encode(encoding)


def xlsx_bytes(rows, header=ARABIC_HEADER):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def dry_run(content, actor, filename="finance.csv"):
    return donations.import_donations(content=content, filename=filename, actor=actor, dry_run=True)


def confirm(content, actor, filename="finance.csv"):
    return donations.import_donations(
        content=content, filename=filename, actor=actor, dry_run=False
    )


def record(receipt, amount="100.00", day="2024-01-10", **fields):
    return Donation.objects.create(
        receipt_number=receipt,
        amount=Decimal(amount),
        received_on=datetime.date.fromisoformat(day),
        **fields,
    )


@pytest.fixture
def mixed_file(donor, programme):
    """Two new rows, one already recorded, two unmatched, four errors (rows 7 to 10)."""
    record("R-0003", amount="300.00", donor=donor, programme=programme)
    return csv_bytes(
        [
            ["R-0001", "2024-03-15", "12,500.00", "100234", "PRG-1"],  # row 2: new
            ["R-0002", "15/03/2024", "500", "100234", "prg-1"],  # row 3: new
            ["R-0003", "2024-03-15", "300.00", "100234", "PRG-1"],  # row 4: already
            ["R-0004", "2024-03-16", "750.50", "999999", "PRG-1"],  # row 5: no such donor
            ["R-0005", "2024-03-16", "80", "100234", "PRG-404"],  # row 6: no such programme
            ["", "2024-03-16", "80", "100234", "PRG-1"],  # row 7: no receipt
            ["R-0007", "31/02/2024", "80", "100234", "PRG-1"],  # row 8: bad date
            ["R-0008", "2024-03-16", "0", "100234", "PRG-1"],  # row 9: amount zero
            ["R-0009", "2024-03-16", "ten riyals", "100234", "PRG-1"],  # row 10: not a number
        ]
    )


# --- the dry run ------------------------------------------------------------------------


def test_dry_run_counts_every_outcome_and_writes_nothing(manager, mixed_file):
    result = dry_run(mixed_file, manager)

    assert result.counts == {
        donations.NEW: 2,
        donations.ALREADY_IMPORTED: 1,
        donations.UNMATCHED: 2,
        donations.ERROR: 4,
    }
    assert result.to_write == 4
    assert result.total_amount == Decimal("13830.50")
    assert Donation.objects.count() == 1
    assert not DonationImport.objects.exists()
    by_receipt = {row.receipt_number: row for row in result.rows}
    assert by_receipt["R-0001"].amount == Decimal("12500.00")
    assert by_receipt["R-0002"].received_on == datetime.date(2024, 3, 15)
    # Programme codes are found whatever their case.
    assert by_receipt["R-0002"].programme.code == "PRG-1"


def test_bad_rows_are_reported_with_their_row_and_column(manager, mixed_file):
    result = dry_run(mixed_file, manager)

    errors = {
        row.number: [(error.column, error.message) for error in row.errors]
        for row in result.rows
        if row.outcome == donations.ERROR
    }
    assert errors == {
        7: [("receipt number", "The receipt number is missing.")],
        8: [("date", "“31/02/2024” is not a valid date: that month has no day 31.")],
        9: [("amount", "The amount must be more than zero.")],
        10: [("amount", "“tenriyals” is not an amount. Write it as 12500.00 or 12,500.00.")],
    }


def test_other_bad_values_are_reported(manager, donor, programme):
    content = csv_bytes(
        [
            ["R-1", "2024-01-01", "-50", "100234", "PRG-1"],
            ["R-2", "2024-01-01", "12.500,00", "100234", "PRG-1"],
            ["R-3", "2024-01-01", "10.005", "100234", "PRG-1"],
            ["R-4", "", "10", "100234", "PRG-1"],
            ["R-5", (timezone.localdate() + datetime.timedelta(days=2)).isoformat(), "10", "1", ""],
            ["R-6", "2024-01-01", "", "100234", "PRG-1"],
            ["R-1", "2024-01-02", "10", "100234", "PRG-1"],  # the same receipt again
            ["R-" + "9" * 60, "2024-01-01", "10", "100234", "PRG-1"],
        ]
    )
    result = dry_run(content, manager)

    messages = {row.number: [error.message for error in row.errors] for row in result.rows}
    assert messages[2] == ["The amount must be more than zero."]
    assert "is not an amount" in messages[3][0]  # a European "12.500,00" is not 12.5
    assert messages[4] == ["An amount has at most two decimal places."]
    assert messages[5] == ["The date is missing."]
    assert "is in the future" in messages[6][0]
    assert messages[7] == ["The amount is missing."]
    assert messages[8] == ["Row 2 of this file has the same receipt number."]
    assert messages[9] == ["Longer than 50 characters."]


def test_arabic_digits_and_separators_are_read(manager, donor, programme):
    content = csv_bytes(
        [["ر-١٠١", "١٥/٠٣/٢٠٢٤", "١٢٬٥٠٠٫٠٠", "١٠٠٢٣٤", "PRG-1"]], header=ARABIC_HEADER
    )
    (row,) = dry_run(content, manager).rows

    assert row.outcome == donations.NEW
    assert row.receipt_number == "ر-101"
    assert row.received_on == datetime.date(2024, 3, 15)
    assert row.amount == Decimal("12500.00")
    assert row.donor == donor


def test_windows_1256_csv_with_arabic_headers(manager, donor, programme):
    header = ["رقم الإيصال", "التاريخ", "المبلغ (ريال)", "رقم العميل/رمز المانح", "رمز البرنامج"]
    content = csv_bytes(
        [["س-1", "2024-05-01", "1,250.75", "100234", "PRG-1"]], header=header, encoding="cp1256"
    )
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")

    result = confirm(content, manager)

    donation = Donation.objects.get()
    assert result.record.added == 1
    assert donation.receipt_number == "س-1"
    assert donation.amount == Decimal("1250.75")
    assert (donation.donor, donation.programme) == (donor, programme)


def test_xlsx_with_excel_dates_and_numbers(manager, donor, programme):
    content = xlsx_bytes(
        [
            [1001, datetime.datetime(2024, 2, 1), 2500, 100234, "PRG-1"],
            [1002, 45352, 99.5, 100234.0, "PRG-1"],  # 45352 is Excel's 2024-03-01
            [1003, "2024-03-02", "3,000.00", "100234", "PRG-1"],
        ]
    )
    result = dry_run(content, manager, filename="finance.xlsx")

    assert [(row.receipt_number, row.outcome) for row in result.rows] == [
        ("1001", donations.NEW),
        ("1002", donations.NEW),
        ("1003", donations.NEW),
    ]
    assert [row.received_on for row in result.rows] == [
        datetime.date(2024, 2, 1),
        datetime.date(2024, 3, 1),
        datetime.date(2024, 3, 2),
    ]
    assert [row.amount for row in result.rows] == [
        Decimal("2500.00"),
        Decimal("99.50"),
        Decimal("3000.00"),
    ]


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "finance.csv", "The file is empty."),
        (b"%PDF-1.4", "finance.pdf", "Upload an Excel workbook (.xlsx) or a CSV file (.csv)."),
        (b"not a zip", "finance.xlsx", "This file is not a readable Excel workbook"),
        (b"receipt number,date,amount\n", "finance.csv", "Missing columns: Donor code"),
        (",".join(ENGLISH_HEADER).encode() + b"\n", "finance.csv", "but no donation rows"),
    ],
)
def test_files_that_cannot_be_imported(manager, content, filename, message):
    with pytest.raises(donations.ImportFileError, match=re.escape(message)):
        dry_run(content, manager, filename=filename)


def test_a_file_over_the_size_limit_is_refused(manager, monkeypatch):
    monkeypatch.setattr(donations, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(donations.ImportFileError, match="larger than"):
        dry_run(csv_bytes([["R-1", "2024-01-01", "10", "1", "P"]] * 10), manager)


def test_the_dry_run_costs_a_few_queries_whatever_the_length(
    manager, donor, programme, django_assert_max_num_queries
):
    rows = [[f"Q-{n}", "2024-01-01", "10", "100234", "PRG-1"] for n in range(2500)]
    content = csv_bytes(rows)
    # Permission check, previous import, then per 1,000 keys: receipts, donors, programmes.
    with django_assert_max_num_queries(12):
        result = dry_run(content, manager)
    assert result.counts[donations.NEW] == 2500


def test_only_the_crm_manager_imports(staff, mixed_file):
    with pytest.raises(PermissionDenied):
        dry_run(mixed_file, staff)


# --- the confirmation -------------------------------------------------------------------


def test_confirm_writes_new_and_unmatched_rows_and_records_the_import(manager, mixed_file):
    result = confirm(mixed_file, manager, filename="finance-march.csv")

    imported = result.record
    assert (imported.added, imported.unmatched, imported.already_present) == (4, 2, 1)
    assert imported.filename == "finance-march.csv"
    assert imported.digest == donations.file_digest(mixed_file)
    assert imported.imported_by == manager
    assert set(imported.donations.values_list("receipt_number", flat=True)) == {
        "R-0001",
        "R-0002",
        "R-0004",
        "R-0005",
    }
    assert Donation.objects.count() == 5


def test_unmatched_rows_are_kept_with_the_codes_as_written(manager, donor, mixed_file):
    confirm(mixed_file, manager)

    no_donor = Donation.objects.get(receipt_number="R-0004")
    assert no_donor.donor is None
    assert no_donor.programme.code == "PRG-1"
    assert no_donor.donor_code_as_imported == "999999"
    assert no_donor.amount == Decimal("750.50")
    no_programme = Donation.objects.get(receipt_number="R-0005")
    assert (no_programme.donor, no_programme.programme) == (donor, None)
    assert no_programme.programme_code_as_imported == "PRG-404"
    waiting = finance_selectors.unmatched_donations()
    assert set(waiting.values_list("receipt_number", flat=True)) == {"R-0004", "R-0005"}


def test_importing_the_same_file_again_adds_nothing(manager, mixed_file):
    confirm(mixed_file, manager)
    before = set(Donation.objects.values_list("pk", "receipt_number", "amount"))

    again = dry_run(mixed_file, manager)
    assert again.counts[donations.ALREADY_IMPORTED] == 5
    assert again.previous_import is not None
    assert not again.can_confirm
    second = confirm(mixed_file, manager)

    assert (second.record.added, second.record.already_present) == (0, 5)
    assert set(Donation.objects.values_list("pk", "receipt_number", "amount")) == before


def test_a_corrected_file_adds_only_the_rows_fixed(manager, mixed_file, donor, programme):
    confirm(mixed_file, manager)
    corrected = csv_bytes(
        [
            ["R-0001", "2024-03-15", "12,500.00", "100234", "PRG-1"],
            ["R-0008", "2024-03-16", "80", "100234", "PRG-1"],
        ]
    )
    result = confirm(corrected, manager)

    assert (result.record.added, result.record.already_present) == (1, 1)
    assert Donation.objects.filter(receipt_number="R-0008").exists()


def test_a_changed_amount_for_a_recorded_receipt_is_pointed_out_not_written(
    manager, donor, programme
):
    record("R-1", amount="100.00", donor=donor, programme=programme)
    (row,) = dry_run(csv_bytes([["R-1", "2024-01-10", "150", "100234", "PRG-1"]]), manager).rows

    assert row.outcome == donations.ALREADY_IMPORTED
    assert row.notes == [
        "The recorded donation has 100.00 SAR on 2024-01-10; this row's values are ignored."
    ]


def test_receipts_added_by_a_concurrent_import_are_not_added_twice(
    manager, mixed_file, monkeypatch
):
    """Another import commits the same receipts after our check: the insert skips them and
    the counts say so."""
    confirm(mixed_file, manager)
    monkeypatch.setattr(donations, "_existing_receipts", lambda receipts: {})

    result = confirm(mixed_file, manager)

    assert (result.record.added, result.record.unmatched) == (0, 0)
    assert result.record.already_present == 5
    assert Donation.objects.count() == 5
    assert all(row.outcome in (donations.ALREADY_IMPORTED, donations.ERROR) for row in result.rows)


# --- matching by hand -------------------------------------------------------------------


def test_an_unmatched_donation_is_matched_by_hand(manager, mixed_file, other_donor, programme):
    confirm(mixed_file, manager)
    donation = Donation.objects.get(receipt_number="R-0004")

    matched = finance_services.donation_match(
        donation=donation, donor=other_donor, programme=programme, actor=manager
    )

    matched.refresh_from_db()
    assert (matched.donor, matched.programme, matched.matched_by) == (
        other_donor,
        programme,
        manager,
    )
    assert matched.matched_at is not None
    assert matched.donor_code_as_imported == "999999"
    with pytest.raises(finance_services.DonationError, match="already matched"):
        finance_services.donation_match(
            donation=donation, donor=other_donor, programme=programme, actor=manager
        )


# --- the pages through HTTP -------------------------------------------------------------


def test_upload_preview_then_confirm(client, manager, mixed_file):
    client.force_login(manager)
    upload = SimpleUploadedFile("finance.csv", mixed_file, content_type="text/csv")

    preview = client.post(reverse("opportunities:donation_import"), {"file": upload}, follow=True)

    assert preview.status_code == 200
    # The dry run ran as a background job; its page led to the preview.
    assert preview.redirect_chain[0][0].startswith("/jobs/")
    assert preview.templates[0].name == "opportunities/donation_import_preview.html"
    html = preview.content.decode()
    assert 'data-outcome="new" data-count="2"' in html
    assert 'data-outcome="error" data-count="4"' in html
    assert Donation.objects.count() == 1
    job = preview.context["job"].pk

    response = client.post(
        reverse("opportunities:donation_import_confirm"), {"job": job}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("finance:donations_unmatched")
    [message] = [str(message) for message in response.context["messages"]]
    assert "4 donations were added" in message
    assert Donation.objects.count() == 5
    # A second click on the same confirmation adds nothing.
    again = client.post(reverse("opportunities:donation_import_confirm"), {"job": job}, follow=True)
    assert "already confirmed or has expired" in again.content.decode()
    assert Donation.objects.count() == 5
    assert DonationImport.objects.count() == 1


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("finance.pdf", b"%PDF-1.4", "Upload an Excel workbook (.xlsx) or a CSV file (.csv)."),
        ("finance.csv", b"receipt number\n", "Missing columns"),
    ],
)
def test_the_upload_page_says_what_is_wrong(client, manager, filename, content, message):
    client.force_login(manager)
    upload = SimpleUploadedFile(filename, content)

    response = client.post(reverse("opportunities:donation_import"), {"file": upload}, follow=True)

    assert response.status_code == 200
    assert message in response.context["form"].errors["file"][0]


def test_the_upload_page_refuses_an_empty_or_too_large_file(client, manager, monkeypatch):
    client.force_login(manager)
    empty = client.post(
        reverse("opportunities:donation_import"), {"file": SimpleUploadedFile("a.csv", b"")}
    )
    assert "The submitted file is empty." in empty.context["form"].errors["file"][0]

    monkeypatch.setattr(donations, "MAX_UPLOAD_BYTES", 10)
    monkeypatch.setattr(donations, "MAX_UPLOAD_MEGABYTES", 0)
    large = client.post(
        reverse("opportunities:donation_import"),
        {"file": SimpleUploadedFile("a.csv", b"x" * 11)},
    )
    assert large.context["form"].errors["file"] == [
        "The file is larger than 0 MB. Split it into smaller files."
    ]


PAGES = {
    "list": lambda: reverse("finance:donation_list"),
    "import": lambda: reverse("opportunities:donation_import"),
    "unmatched": lambda: reverse("finance:donations_unmatched"),
}
MATRIX = {
    "staff": {"list": 200, "import": 403, "unmatched": 403},
    "manager": {"list": 200, "import": 200, "unmatched": 200},
    "quality": {"list": 403, "import": 403, "unmatched": 403},
}


@pytest.mark.parametrize("who", list(MATRIX))
@pytest.mark.parametrize("page", list(PAGES))
def test_permission_matrix(client, request, who, page):
    client.force_login(request.getfixturevalue(who))
    assert client.get(PAGES[page]()).status_code == MATRIX[who][page]


@pytest.mark.parametrize("page", list(PAGES))
def test_anonymous_visitors_are_sent_to_login(client, page):
    response = client.get(PAGES[page]())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_posting_needs_the_permissions(client, staff, donor, programme):
    donation = record("R-1")
    client.force_login(staff)
    assert client.post(reverse("opportunities:donation_import_confirm")).status_code == 403
    match = client.post(
        reverse("finance:donation_match", args=[donation.pk]),
        {"donor_code": donor.code, "programme": programme.pk},
    )
    assert match.status_code == 403


# --- the money received against a pledge -----------------------------------------------


def make_opportunity(owner, programme, pledge_donor, created_on):
    opportunity = Opportunity.objects.create(
        title="كفالة 20 يتيماً", programme=programme, owner=owner, pledge_donor=pledge_donor
    )
    # Created at 00:30 Riyadh time: 21:30 UTC the day before.
    created_at = timezone.make_aware(datetime.datetime.combine(created_on, datetime.time(0, 30)))
    Opportunity.objects.filter(pk=opportunity.pk).update(created_at=created_at)
    opportunity.refresh_from_db()
    return opportunity


def test_pledge_received_amount(manager, donor, other_donor, programme, other_programme):
    opportunity = make_opportunity(manager, programme, donor, datetime.date(2024, 3, 1))
    assert opportunity_selectors.pledge_received_amount(opportunity) == Decimal("0")

    record("P-1", "1000.00", "2024-02-29", donor=donor, programme=programme)  # before
    record("P-2", "2500.00", "2024-03-01", donor=donor, programme=programme)  # that day
    record("P-3", "500.25", "2024-04-10", donor=donor, programme=programme)
    record("P-4", "700.00", "2024-04-10", donor=other_donor, programme=programme)
    record("P-5", "800.00", "2024-04-10", donor=donor, programme=other_programme)
    record("P-6", "900.00", "2024-04-10", donor_code_as_imported=str(donor.code))

    received = opportunity_selectors.pledge_received_amount(opportunity)
    assert received == Decimal("3000.25")
    assert isinstance(received, Decimal)

    opportunity.pledge_donor = None
    assert opportunity_selectors.pledge_received_amount(opportunity) == Decimal("0")


# --- real concurrency (PostgreSQL) ------------------------------------------------------


@pytest.fixture
def postgresql_only():
    from django.db import connection

    from tests.conftest import skip_or_fail

    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent transactions need PostgreSQL (SQLite serialises writers)")


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_file_at_once_add_each_receipt_once(
    postgresql_only, manager, donor, programme
):
    rows = [[f"C-{n}", "2024-01-01", "10", "100234", "PRG-1"] for n in range(3000)]
    content = csv_bytes(rows)

    outcomes = run_together(lambda: confirm(content, manager), lambda: confirm(content, manager))

    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    assert Donation.objects.count() == 3000
    records = list(DonationImport.objects.all())
    assert sum(record.added for record in records) == 3000
    assert all(record.added + record.already_present == 3000 for record in records)


# --- Saudi dates, formulas, mixed encodings (issue 10, items 12, 14 and 21) ---------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("١٤٤٦/٠٩/١٥", datetime.date(2025, 3, 15)),  # Hijri, Umm al-Qura
        ("15/09/1446", datetime.date(2025, 3, 15)),
        ("04/07/25", datetime.date(2025, 7, 4)),  # day first: 4 July
        ("15/03/25", datetime.date(2025, 3, 15)),
    ],
)
def test_receipt_dates_are_read_as_saudi_users_write_them(
    manager, donor, programme, written, expected
):
    content = csv_bytes([["R-1", written, "100", str(donor.code), programme.code]])
    [row] = dry_run(content, manager).rows
    assert row.errors == []
    assert row.received_on == expected


@pytest.mark.parametrize(
    ("written", "words"),
    [("07/15/2025", "month"), ("1446/09/30", "Hijri"), ("01/01/1850", "1900")],
)
def test_ambiguous_or_implausible_receipt_dates_are_row_errors(
    manager, donor, programme, written, words
):
    content = csv_bytes([["R-1", written, "100", donor.code, programme.code]], ARABIC_HEADER)
    with translation.override("en"):
        [row] = dry_run(content, manager).rows
    [error] = row.errors
    assert error.column == ARABIC_HEADER[1]
    assert words in error.message


def test_a_formula_amount_is_a_row_error_not_its_cached_value(manager, donor, programme):
    from core.imports import samples

    rows = [
        ["R-1", "2025-03-15", samples.FormulaCell("1000*2", cached="2000"), donor.code, "PRG-1"]
    ]
    content = samples.workbook_bytes([ARABIC_HEADER, *rows])
    with translation.override("en"):
        [row] = dry_run(content, manager, filename="finance.xlsx").rows
    [error] = row.errors
    assert error.column == ARABIC_HEADER[2]
    assert "formula" in error.message


def test_a_utf8_line_in_a_windows_1256_finance_file_is_a_row_error(manager, donor, programme):
    lines = [
        ",".join(ARABIC_HEADER).encode("cp1256"),
        f"R-1,2025-03-15,100,{donor.code},PRG-1".encode("cp1256"),
        f"R-2,2025-03-15,100,{donor.code},برنامج".encode(),
    ]
    result = dry_run(b"\r\n".join(lines), manager)
    assert [(row.number, row.outcome) for row in result.rows] == [(2, "new"), (3, "error")]


def test_a_finance_sheet_formatted_to_the_last_row_is_read_to_its_data(manager, donor, programme):
    from core.imports import samples

    rows = [["R-1", "2025-03-15", 100, donor.code, "PRG-1"]]
    content = samples.workbook_bytes([ARABIC_HEADER, *rows], formatted_to=samples.LAST_EXCEL_ROW)
    result = dry_run(content, manager, filename="finance.xlsx")
    assert [(row.number, row.outcome) for row in result.rows] == [(2, "new")]
