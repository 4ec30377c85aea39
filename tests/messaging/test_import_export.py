"""The customer import's consent columns (yes / no per channel) are consent to marketing
messages, recorded with the source «import» when the import form is entered; the export
writes them from the records, a chunk of customers at a time."""

import csv
import io

import pytest
from django.utils import timezone

from customers import exports, imports, services
from customers.models import Customer
from messaging import selectors
from messaging.models import Consent
from messaging.services import consents_record

pytestmark = pytest.mark.django_db

HEADER = [
    "name",
    "kind",
    "mobile",
    "email",
    "sms_consent",
    "email_consent",
    "consent_date",
    "consent_source",
]


def csv_bytes(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def enter(form, people):
    services.customer_request_approve(request=form, actor=people["manager"])
    assert services.customer_request_enter(request=form, actor=people["steward"]).entered


def test_imported_consents_become_marketing_records_at_entry(people, customer):
    consents_record(
        customer_id=customer.pk, changes={"sms.marketing": True}, at=timezone.now(), source="form"
    )
    content = csv_bytes(
        [
            # A new customer agreeing to SMS: date and source given.
            ["هدى المالكي", "مستفيد", "0501110021", "", "نعم", "لا", "15/09/1446", "استمارة ورقية"],
            # The existing customer: SMS already given (unchanged), e-mail given now.
            [
                customer.name,
                "مانح",
                "0551112233",
                "sara@example.org",
                "نعم",
                "نعم",
                "01/12/2026",
                "هاتف",
            ],
            # No consent: nothing to record.
            ["عبدالعزيز العتيبي", "مستفيد", "0501110024", "", "لا", "لا", "", ""],
        ]
    )
    preview = imports.preview_import(content, "قائمة.csv")
    assert [row.outcome for row in preview.rows] == ["create", "modify", "create"], [
        row.errors for row in preview.rows
    ]
    preview.rows[1].describe()
    changes = {str(label): new for label, _old, new, *_ in preview.rows[1].changes}
    assert "البريد الإلكتروني: التسويق والحملات" in changes["الموافقة على تلقي الرسائل"]
    form = imports.confirm_import(actor=people["staff"], preview=preview, reason="قائمة المركز")
    assert not Consent.objects.exclude(source="form").exists()
    enter(form, people)
    imported = Consent.objects.filter(source="import")
    new = Customer.objects.get(mobile="+966501110021")
    assert sorted((r.customer_id, r.channel, r.purpose, r.given) for r in imported) == sorted(
        [(new.pk, "sms", "marketing", True), (customer.pk, "email", "marketing", True)]
    )
    record = imported.get(customer=new)
    assert record.evidence == f"النموذج رقم {form.pk} · استمارة ورقية"
    assert record.recorded_by == people["steward"]
    assert timezone.localtime(record.at).date().isoformat() == "2025-03-15"  # 15/09/1446 هـ
    assert selectors.may_message(customer, "email", "marketing")
    assert not Consent.objects.filter(customer__mobile="+966501110024").exists()


def test_an_imported_consent_needs_its_date_and_source(db):
    content = csv_bytes([["هدى المالكي", "مستفيد", "0501110021", "", "نعم", "لا", "", ""]])
    row = imports.preview_import(content, "قائمة.csv").rows[0]
    assert row.outcome == "error"
    assert {error.column for error in row.errors} == {"consent_date", "consent_source"}


def test_a_consent_column_answered_as_it_is_leaves_the_row_unchanged(customer):
    consents_record(
        customer_id=customer.pk, changes={"email.marketing": True}, at=timezone.now(), source="form"
    )
    content = csv_bytes(
        [[customer.name, "مانح", "0551112233", "sara@example.org", "لا", "نعم", "", ""]]
    )
    assert imports.preview_import(content, "قائمة.csv").rows[0].outcome == "unchanged"


def test_the_dry_run_reads_the_consents_of_many_customers_together(
    customer, django_assert_max_num_queries
):
    for number in range(40):
        person = Customer.objects.create(
            code=910000 + number,
            name=f"مستفيد {number}",
            kind="beneficiary",
            mobile=f"+96650{number:07d}",
        )
        consents_record(
            customer_id=person.pk, changes={"sms.marketing": True}, at=timezone.now(), source="form"
        )
    rows = [[f"مستفيد {n}", "مستفيد", f"050{n:07d}", "", "لا", "لا", "", ""] for n in range(40)]
    with django_assert_max_num_queries(12):
        preview = imports.preview_import(csv_bytes(rows), "قائمة.csv")
    assert {row.outcome for row in preview.rows} == {"modify"}


def test_the_export_writes_the_consents_from_the_records(
    customer, other_customer, django_assert_max_num_queries
):
    consents_record(
        customer_id=customer.pk,
        changes={"email.marketing": True},
        at=timezone.now(),
        source="phone",
    )
    consents_record(
        customer_id=other_customer.pk,
        changes={"sms.marketing": True},
        at=timezone.now(),
        source="form",
    )
    consents_record(
        customer_id=other_customer.pk,
        changes={"sms.marketing": False},
        at=timezone.now(),
        source="stop_reply",
    )
    headers = exports.export_headers()
    with django_assert_max_num_queries(3):  # the customers, the grids, the summaries
        rows = list(exports.export_rows(Customer.objects.order_by("code")))
    by_code = {row[0]: dict(zip(headers, row, strict=True)) for row in rows}
    sara, khalid = by_code[customer.code], by_code[other_customer.code]
    assert sara["يوافق على تلقي رسائل البريد الإلكتروني"] == "نعم"
    assert sara["يوافق على تلقي رسائل الجوال القصيرة"] == "لا"
    assert sara["مصدر الموافقة"] == "الاتصال الهاتفي"
    assert sara["تاريخ الموافقة"] == timezone.localdate()
    assert khalid["يوافق على تلقي رسائل الجوال القصيرة"] == "لا"  # withdrawn by STOP
    assert khalid["تاريخ الموافقة"] is None
