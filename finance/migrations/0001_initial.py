"""The finance app takes over the donation tables of the opportunities app (issue 11 item
2), keeping every row and id: the models are created in the migration state only (on their
old tables), then the tables and their indexes are renamed, and the content types move with
their permissions, so `opportunities.view_donation` granted to a role or a person is now
`finance.view_donation`, with the same permission row."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED_MODELS = ("donationimport", "donation", "undonedonationmatch")


def _move_content_types(apps, schema_editor, from_app, to_app):
    """Relabel the content types (their permissions and admin log entries follow). A content
    type already made for the new app (a database that met the models there first) is
    left as it is."""
    content_type = apps.get_model("contenttypes", "ContentType")
    rows = content_type.objects.using(schema_editor.connection.alias)
    for model in MOVED_MODELS:
        if not rows.filter(app_label=to_app, model=model).exists():
            rows.filter(app_label=from_app, model=model).update(app_label=to_app)


def content_types_to_finance(apps, schema_editor):
    _move_content_types(apps, schema_editor, "opportunities", "finance")


def content_types_to_opportunities(apps, schema_editor):
    _move_content_types(apps, schema_editor, "finance", "opportunities")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("customers", "0003_customer_search_indexes"),
        ("programmes", "0002_portfolio_cycles_and_proposals"),
        ("opportunities", "0006_donations_move_to_finance"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DonationImport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('filename', models.CharField(max_length=255)),
                        ('digest', models.CharField(db_index=True, max_length=64)),
                        ('imported_at', models.DateTimeField(auto_now_add=True)),
                        ('added', models.PositiveIntegerField(default=0)),
                        ('already_present', models.PositiveIntegerField(default=0)),
                        ('unmatched', models.PositiveIntegerField(default=0)),
                        ('imported_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'opportunities_donationimport',
                        'ordering': ['-imported_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Donation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('receipt_number', models.CharField(max_length=50, unique=True, verbose_name='receipt number')),
                        ('received_on', models.DateField(db_index=True, verbose_name='date received')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='amount (SAR)')),
                        ('donor_code_as_imported', models.CharField(blank=True, max_length=30, verbose_name='donor code in the file')),
                        ('programme_code_as_imported', models.CharField(blank=True, max_length=30, verbose_name='programme code in the file')),
                        ('matched_at', models.DateTimeField(blank=True, null=True)),
                        ('donor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='donations', to='customers.customer', verbose_name='donor')),
                        ('matched_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('programme', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='donations', to='programmes.programme', verbose_name='programme or activity')),
                        ('source', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='donations', to='finance.donationimport')),
                    ],
                    options={
                        'db_table': 'opportunities_donation',
                        'verbose_name': 'donation',
                        'verbose_name_plural': 'donations',
                        'ordering': ['-received_on', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='UndoneDonationMatch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('matched_at', models.DateTimeField(blank=True, null=True)),
                        ('undone_at', models.DateTimeField(auto_now_add=True)),
                        ('reason', models.TextField()),
                        ('donation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='undone_matches', to='finance.donation')),
                        ('donor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='customers.customer')),
                        ('matched_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('programme', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='programmes.programme')),
                        ('undone_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'opportunities_undonedonationmatch',
                        'ordering': ['-undone_at', '-id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='donation',
                    index=models.Index(fields=['donor', 'programme'], name='opportuniti_donor_i_ca383b_idx'),
                ),
                migrations.AddIndex(
                    model_name='donation',
                    index=models.Index(fields=['programme', 'received_on'], name='opportuniti_program_1b7e73_idx'),
                ),
                migrations.AddConstraint(
                    model_name='donation',
                    constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='donation_amount_positive'),
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="donationimport", table=None),
        migrations.AlterModelTable(name="donation", table=None),
        migrations.AlterModelTable(name="undonedonationmatch", table=None),
        migrations.RenameIndex(
            model_name="donation",
            new_name="finance_don_donor_i_7a8a95_idx",
            old_name="opportuniti_donor_i_ca383b_idx",
        ),
        migrations.RenameIndex(
            model_name="donation",
            new_name="finance_don_program_82585a_idx",
            old_name="opportuniti_program_1b7e73_idx",
        ),
        migrations.RunPython(content_types_to_finance, content_types_to_opportunities),
    ]
