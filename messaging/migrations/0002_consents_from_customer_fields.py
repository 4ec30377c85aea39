"""The customers' flat consent fields become consent records (issue 15): a customer with
`sms_consent` / `email_consent` gets, per such channel, a «given» record for marketing and
one for service notices, dated the consent date at midnight in Riyadh (the customer's
creation when no date was kept), source «migrated», the former consent source as evidence.
Customers without consent get no record. Forms not entered yet that propose the old fields
propose the same consents in the new shape. Then customers 0006 removes the fields.

Unapplying deletes the migrated records after customers 0006 gave the fields back; the
fields are filled again from them."""

import datetime
from zoneinfo import ZoneInfo

from django.db import migrations
from django.db.models import Q

RIYADH = ZoneInfo("Asia/Riyadh")
BATCH = 2000
CHANNELS = (("sms", "sms_consent"), ("email", "email_consent"))
PURPOSES = ("marketing", "service")
FORM_PAIRS = tuple(
    f"{channel}.{purpose}"
    for channel in ("sms", "email")
    for purpose in ("marketing", "service", "surveys", "donor_reports")
)
OPEN_STATES = ("draft", "submitted", "approved")


def _midnight(day):
    return datetime.datetime.combine(day, datetime.time(), tzinfo=RIYADH)


def forwards(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    Consent = apps.get_model("messaging", "Consent")
    alias = schema_editor.connection.alias
    rows = (
        Customer.objects.using(alias)
        .filter(Q(sms_consent=True) | Q(email_consent=True))
        .order_by("pk")
        .values_list(
            "pk", "sms_consent", "email_consent", "consent_date", "consent_source", "created_at"
        )
    )
    batch = []
    for pk, sms, email, day, source, created_at in rows.iterator(chunk_size=BATCH):
        at = _midnight(day) if day else created_at
        for channel, agreed in (("sms", sms), ("email", email)):
            if not agreed:
                continue
            for purpose in PURPOSES:
                batch.append(
                    Consent(
                        customer_id=pk,
                        channel=channel,
                        purpose=purpose,
                        given=True,
                        at=at,
                        source="migrated",
                        evidence=(source or "")[:300],
                    )
                )
        if len(batch) >= BATCH:
            Consent.objects.using(alias).bulk_create(batch)
            batch = []
    Consent.objects.using(alias).bulk_create(batch)
    _open_form_lines_forwards(apps, alias)


def _open_form_lines_forwards(apps, alias):
    """A form not entered yet keeps what it proposes: the old fields become the grid."""
    Line = apps.get_model("customers", "CustomerRequestLine")
    lines = Line.objects.using(alias).filter(request__state__in=OPEN_STATES).order_by("pk")
    for line in lines.iterator(chunk_size=BATCH):
        proposed = _new_shape(line.proposed)
        base = _new_shape(line.base_values)
        if proposed != line.proposed or base != line.base_values:
            line.proposed, line.base_values = proposed, base
            line.save(update_fields=["proposed", "base_values"])


def _new_shape(values):
    if not isinstance(values, dict) or not ({"sms_consent", "email_consent"} & set(values)):
        if isinstance(values, dict):
            values = {
                key: value
                for key, value in values.items()
                if key not in ("sms_consent", "email_consent")
            }
        return values
    values = dict(values)
    grid = dict.fromkeys(FORM_PAIRS, False)
    for channel, name in CHANNELS:
        if values.pop(name, False):
            for purpose in PURPOSES:
                grid[f"{channel}.{purpose}"] = True
    values["consents"] = grid
    return values


def backwards(apps, schema_editor):
    """Only the migrated records: the fields, given back by unapplying customers 0006, are
    filled again from them (the date from `at`, the source from the evidence)."""
    Customer = apps.get_model("customers", "Customer")
    Consent = apps.get_model("messaging", "Consent")
    alias = schema_editor.connection.alias
    migrated = Consent.objects.using(alias).filter(source="migrated", purpose="marketing")
    for record in migrated.order_by("pk").iterator(chunk_size=BATCH):
        field = "sms_consent" if record.channel == "sms" else "email_consent"
        Customer.objects.using(alias).filter(pk=record.customer_id).update(
            **{
                field: True,
                "consent_date": record.at.astimezone(RIYADH).date(),
                "consent_source": record.evidence[:200],
            }
        )
    Consent.objects.using(alias).filter(source="migrated").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0001_initial"),
        ("customers", "0005_customer_name_ends_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
