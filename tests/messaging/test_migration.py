"""The customers' flat consent fields become consent records (messaging 0002), then go
(customers 0006): every customer row kept, a consent «given» for marketing and for service
notices per channel agreed, dated the consent date at midnight in Riyadh (the creation time
when no date was kept), source «migrated», the former source as evidence; nothing for those
who gave no consent; an open form's proposal in the new shape. Run on SQLite and on
PostgreSQL; unapplied, the fields come back filled."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("customers", "0005_customer_name_ends_index")]
AFTER = [("customers", "0006_remove_consent_fields")]
RIYADH = datetime.timezone(datetime.timedelta(hours=3))


def migrate(targets, unapplied=()):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets + [(app, None) for app in unapplied])
    return executor.loader.project_state(targets).apps


def _fill(old_apps):
    Customer = old_apps.get_model("customers", "Customer")
    both = Customer.objects.create(
        code=810001,
        name="سارة",
        kind="donor",
        mobile="+966551112233",
        email="s@example.org",
        sms_consent=True,
        email_consent=True,
        consent_date=datetime.date(2025, 3, 15),
        consent_source="استمارة ورقية",
    )
    sms_only = Customer.objects.create(
        code=810002, name="خالد", kind="beneficiary", mobile="+966551112244", sms_consent=True
    )
    none = Customer.objects.create(
        code=810003, name="نورة", kind="beneficiary", mobile="+966551112255"
    )
    user = old_apps.get_model("auth", "User").objects.create(username="migration_staff")
    request = old_apps.get_model("customers", "CustomerRequest").objects.create(
        kind="create", reason="طلب", prepared_by=user, state="submitted"
    )
    line = old_apps.get_model("customers", "CustomerRequestLine").objects.create(
        request=request,
        action="create",
        proposed={
            "name": "هند",
            "sms_consent": True,
            "email_consent": False,
            "consent_date": "2026-01-01",
        },
    )
    return both.pk, sms_only.pk, none.pk, line.pk


def test_the_flat_fields_become_records_and_go():
    old_apps = migrate(BEFORE, unapplied=["messaging"])
    both, sms_only, none, line = _fill(old_apps)
    created = old_apps.get_model("customers", "Customer").objects.get(pk=sms_only).created_at
    try:
        new_apps = migrate(AFTER)
        Customer = new_apps.get_model("customers", "Customer")
        Consent = new_apps.get_model("messaging", "Consent")
        assert Customer.objects.filter(code__in=[810001, 810002, 810003]).count() == 3
        assert not any(f.name == "sms_consent" for f in Customer._meta.get_fields())
        rows = {(r.customer_id, r.channel, r.purpose): r for r in Consent.objects.all()}
        assert set(rows) == {
            (both, "sms", "marketing"),
            (both, "sms", "service"),
            (both, "email", "marketing"),
            (both, "email", "service"),
            (sms_only, "sms", "marketing"),
            (sms_only, "sms", "service"),
        }
        record = rows[(both, "email", "marketing")]
        assert record.given and record.source == "migrated"
        assert record.evidence == "استمارة ورقية"
        assert record.at == datetime.datetime(2025, 3, 15, tzinfo=RIYADH)
        assert record.recorded_by_id is None
        assert rows[(sms_only, "sms", "marketing")].at == created  # no date: its creation
        assert not any(key[0] == none for key in rows)
        proposed = (
            new_apps.get_model("customers", "CustomerRequestLine").objects.get(pk=line).proposed
        )
        assert "sms_consent" not in proposed
        assert proposed["consents"]["sms.marketing"] is True
        assert proposed["consents"]["sms.service"] is True
        assert proposed["consents"]["email.marketing"] is False

        back_apps = migrate(BEFORE, unapplied=["messaging"])
        OldCustomer = back_apps.get_model("customers", "Customer")
        restored = OldCustomer.objects.get(pk=both)
        assert restored.sms_consent and restored.email_consent
        assert restored.consent_date == datetime.date(2025, 3, 15)
        assert restored.consent_source == "استمارة ورقية"
        assert not OldCustomer.objects.get(pk=none).sms_consent
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
