"""Migration 0014 fills the roll-up of the recurring complaints from the cases already
registered: every complaint counted, each in its group, queue, registrar and third of a
month (Riyadh), and no case changed."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from association import roles
from tests.helpers import user_with

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("complaints", "0013_case_source_link")]
AFTER = [("complaints", "0014_complaint_tallies")]
RIYADH = zoneinfo.ZoneInfo("Asia/Riyadh")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_roll_up_is_filled_from_every_complaint():
    staff = user_with(roles.CRM_STAFF, "old_crm")
    old_apps = migrate(BEFORE)
    Case = old_apps.get_model("complaints", "Case")
    Category = old_apps.get_model("complaints", "CaseCategory")
    food = Category.objects.create(name="التوزيع")
    common = {"channel": "phone", "description": "وصف", "routed_to": "crm", "state": "closed"}
    for number, (kind, at, category, signature, registrar) in enumerate(
        [
            (
                "complaint",
                datetime.datetime(2026, 3, 10, 23, 30, tzinfo=RIYADH),
                food,
                "تاخر",
                staff,
            ),
            (
                "complaint",
                datetime.datetime(2026, 3, 11, 0, 30, tzinfo=RIYADH),
                food,
                "تاخر",
                staff,
            ),
            ("complaint", datetime.datetime(2026, 3, 31, 22, 0, tzinfo=RIYADH), None, "تاخر", None),
            ("inquiry", datetime.datetime(2026, 3, 12, tzinfo=RIYADH), food, "تاخر", staff),
        ]
    ):
        Case.objects.create(
            tracking_number=f"T{number}",
            kind=kind,
            received_at=at,
            category=category,
            subject=f"موضوع {number}",
            subject_signature=signature,
            registered_by_id=registrar.pk if registrar else None,
            **common,
        )
    before = list(Case.objects.order_by("pk").values())
    try:
        new_apps = migrate(AFTER)
        Tally = new_apps.get_model("complaints", "ComplaintTally")
        rows = sorted(
            Tally.objects.values_list("part", "group_key", "registrar_key", "count", "sample")
        )
        assert rows == [
            (datetime.date(2026, 3, 1), f"cc:{food.pk}:-", staff.pk, 1, "موضوع 0"),
            (datetime.date(2026, 3, 1), "tx:تاخر", staff.pk, 1, "موضوع 0"),
            (datetime.date(2026, 3, 11), f"cc:{food.pk}:-", staff.pk, 1, "موضوع 1"),
            (datetime.date(2026, 3, 11), "tx:تاخر", staff.pk, 1, "موضوع 1"),
            (datetime.date(2026, 3, 21), "tx:تاخر", 0, 1, "موضوع 2"),
        ]
        Case = new_apps.get_model("complaints", "Case")
        assert list(Case.objects.order_by("pk").values()) == before
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
