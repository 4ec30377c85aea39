"""The donations moved from the opportunities app to the finance app (issue 11 item 2): the
migration renames the tables and moves the content types, so every row keeps its id and
its links, every permission keeps its row (and so its grants), and new rows continue the
ids. Run on SQLite and on PostgreSQL."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from association import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Programmes pinned where its table had the columns of that time (its later migrations add
# a stored normalised name the old models do not know).
BEFORE = [
    ("opportunities", "0005_merge_contact_approvals_and_problems"),
    ("programmes", "0003_verbose_names"),
    # Customers where their table still had the consent fields the old models know.
    ("customers", "0005_customer_name_ends_index"),
]
AFTER = [("finance", "0001_initial")]


def migrate(targets, unapplied=()):
    """Migrate to the targets (and unapply the apps named in `unapplied`); the apps as
    they are there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets + [(app, None) for app in unapplied])
    return executor.loader.project_state(targets).apps


def _fill_the_old_tables(old_apps, user):
    """Rows as the opportunities app held them; their ids come from the tables' sequences."""
    customer = old_apps.get_model("customers", "Customer").objects.create(
        code=100777, name="مؤسسة الوفاء", kind="donor"
    )
    category = old_apps.get_model("programmes", "ProgrammeCategory").objects.create(name="أيتام")
    programme = old_apps.get_model("programmes", "Programme").objects.create(
        code="PRG-9", name="كفالة", category=category
    )
    source = old_apps.get_model("opportunities", "DonationImport").objects.create(
        filename="finance.xlsx", digest="d" * 64, imported_by_id=user.pk, added=2
    )
    donation_model = old_apps.get_model("opportunities", "Donation")
    matched = donation_model.objects.create(
        receipt_number="R-501",
        received_on=datetime.date(2026, 3, 1),
        amount=Decimal("1250.50"),
        donor=customer,
        programme=programme,
        source=source,
    )
    waiting = donation_model.objects.create(
        receipt_number="R-777",
        received_on=datetime.date(2026, 3, 2),
        amount=Decimal("80"),
        donor_code_as_imported="999",
        programme_code_as_imported="X",
        source=source,
    )
    undone = old_apps.get_model("opportunities", "UndoneDonationMatch").objects.create(
        donation=waiting,
        donor=customer,
        programme=programme,
        undone_by_id=user.pk,
        reason="رقم المانح خاطئ",
    )
    return {
        "customer": customer.pk,
        "programme": programme.pk,
        "source": source.pk,
        "matched": matched.pk,
        "waiting": waiting.pk,
        "undone": undone.pk,
    }


def _permission_ids(apps, app_label):
    permission = apps.get_model("auth", "Permission")
    return dict(
        permission.objects.filter(
            content_type__app_label=app_label, codename__endswith="donation"
        ).values_list("codename", "pk")
    )


def test_every_donation_keeps_its_id_links_and_permissions():
    user = UserFactory(username="old_manager")
    old_apps = migrate(BEFORE, unapplied=["finance"])
    made = _fill_the_old_tables(old_apps, user)
    old_permissions = _permission_ids(old_apps, "opportunities")
    assert set(old_permissions) == {
        "add_donation",
        "change_donation",
        "delete_donation",
        "view_donation",
    }
    user.user_permissions.add(old_permissions["change_donation"])
    try:
        new_apps = migrate(AFTER)
        donation_model = new_apps.get_model("finance", "Donation")
        rows = {row.pk: row for row in donation_model.objects.all()}
        assert set(rows) == {made["matched"], made["waiting"]}
        matched, waiting = rows[made["matched"]], rows[made["waiting"]]
        assert (matched.receipt_number, matched.amount) == ("R-501", Decimal("1250.50"))
        assert (matched.donor_id, matched.programme_id, matched.source_id) == (
            made["customer"],
            made["programme"],
            made["source"],
        )
        assert (waiting.donor_id, waiting.donor_code_as_imported) == (None, "999")
        undone = new_apps.get_model("finance", "UndoneDonationMatch").objects.get()
        assert (undone.pk, undone.donation_id, undone.reason) == (
            made["undone"],
            made["waiting"],
            "رقم المانح خاطئ",
        )
        assert new_apps.get_model("finance", "DonationImport").objects.get().pk == made["source"]
        # The same permission rows, now the finance app's: grants are kept.
        assert _permission_ids(new_apps, "finance") == old_permissions
        assert _permission_ids(new_apps, "opportunities") == {}
        # New rows continue after the old ids (the sequence moved with the table).
        added = donation_model.objects.create(
            receipt_number="R-NEW", received_on=datetime.date(2026, 4, 1), amount=Decimal("5")
        )
        assert added.pk > made["waiting"]
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
            relations = connection.introspection.get_relations(
                cursor, "finance_undonedonationmatch"
            )
        assert "opportunities_donation" not in tables
        assert relations["donation_id"] == ("id", "finance_donation")
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    user.refresh_from_db()
    assert user.has_perm("finance.change_donation")
    manager = UserFactory(username="new_manager")
    manager.groups.add(Group.objects.get(name=roles.CRM_MANAGER.group_name))
    assert manager.has_perm("finance.change_donation")
