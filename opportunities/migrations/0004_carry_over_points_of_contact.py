"""Keep what was recorded before designations and three-party approvals existed:

- each donor's point of contact, set on the customer form until now, becomes an approved
  designation marked `carried_over`, dated when the customer's history shows it was set;
- each contact still awaiting the CRM manager gets the three parties' pending decisions;
  each contact the CRM manager already decided keeps that decision as the CRM manager's step.
"""

import datetime

from django.db import migrations

FRIDAY, SATURDAY = 4, 5
APPROVAL_WORKING_DAYS = 2


def _deadline(start):
    """`start` plus two working days (Sunday–Thursday; holidays are not known here)."""
    day, left = start, APPROVAL_WORKING_DAYS
    while left:
        day += datetime.timedelta(days=1)
        if day.weekday() not in (FRIDAY, SATURDAY):
            left -= 1
    return day


def _since_when(historical_customer, customer):
    """(date, user id) of the change that gave the customer its current point of contact."""
    since = (customer.created_at, None)
    records = historical_customer.objects.filter(id=customer.pk).order_by("-history_date")
    for record in records.only("point_of_contact_id", "history_date", "history_user_id"):
        if record.point_of_contact_id != customer.point_of_contact_id:
            break
        since = (record.history_date, record.history_user_id)
    return since


def carry_over(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    HistoricalCustomer = apps.get_model("customers", "HistoricalCustomer")
    Designation = apps.get_model("opportunities", "PointOfContactDesignation")
    DonorContact = apps.get_model("opportunities", "DonorContact")
    Step = apps.get_model("opportunities", "ContactApprovalStep")

    for customer in Customer.objects.filter(point_of_contact__isnull=False).iterator():
        if Designation.objects.filter(donor_id=customer.pk, state="approved").exists():
            continue
        at, user_id = _since_when(HistoricalCustomer, customer)
        Designation.objects.create(
            donor_id=customer.pk,
            staff_id=customer.point_of_contact_id,
            proposed_by_id=user_id,
            state="approved",
            decided_at=at,
            carried_over=True,
            created_at=at,
        )

    parties = ("crm_manager", "resource_development", "council_secretary")
    for contact in DonorContact.objects.exclude(approval="not_needed").iterator():
        if Step.objects.filter(contact_id=contact.pk).exists():
            continue
        due = _deadline(contact.created_at)
        if contact.approval == "pending":
            Step.objects.bulk_create(
                Step(contact_id=contact.pk, party=party, due_at=due) for party in parties
            )
        else:
            Step.objects.create(
                contact_id=contact.pk,
                party="crm_manager",
                decision=contact.approval,
                due_at=due,
                decided_by_id=contact.decided_by_id,
                decided_at=contact.decided_at,
                note=contact.decision_note,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("opportunities", "0003_donor_contact_approvals"),
    ]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
