"""Donations, their imports and the undone matches became the finance app's models (issue 11
item 2). Here they leave the opportunities app's state only: their tables and rows stay,
and finance.0001_initial takes them over and renames them (finance_*)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0005_merge_contact_approvals_and_problems"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="UndoneDonationMatch"),
                migrations.DeleteModel(name="Donation"),
                migrations.DeleteModel(name="DonationImport"),
            ],
            database_operations=[],
        ),
    ]
