"""The roll-up of the recurring complaints (complaints.complaint_tallies), filled from the
cases already registered: one aggregate per kind of group, written in batches. No case is
changed. Unapplying drops the table with the model."""

from django.conf import settings
from django.db import migrations, models


def fill(apps, schema_editor):
    from complaints.complaint_tallies import rebuild

    rebuild(apps.get_model("complaints", "Case"), apps.get_model("complaints", "ComplaintTally"))


class Migration(migrations.Migration):

    dependencies = [
        ('association', '0002_role_groups'),
        ('complaints', '0013_case_source_link'),
        ('customers', '0004_model_verbose_names'),
        ('links', '0001_initial'),
        ('programmes', '0005_model_verbose_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ComplaintTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('part', models.DateField(verbose_name='from')),
                ('group_key', models.CharField(max_length=210, verbose_name='group')),
                ('routed_to', models.CharField(choices=[('centres', 'Centres-affairs department'), ('crm', 'Customer relations department')], max_length=10, verbose_name='handled by')),
                ('centre_key', models.PositiveIntegerField(default=0, verbose_name='centre')),
                ('registrar_key', models.PositiveIntegerField(default=0, verbose_name='registered by')),
                ('count', models.PositiveIntegerField(default=0, verbose_name='complaints')),
                ('first_at', models.DateTimeField(verbose_name='first')),
                ('last_at', models.DateTimeField(verbose_name='latest')),
                ('sample', models.CharField(blank=True, max_length=200, verbose_name='subject')),
            ],
            options={
                'verbose_name': 'complaints tally',
                'verbose_name_plural': 'complaints tallies',
            },
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('kind', 'complaint')), fields=['subject_signature', 'received_at'], name='case_complaint_signature'),
        ),
        migrations.AddConstraint(
            model_name='complainttally',
            constraint=models.UniqueConstraint(fields=('part', 'group_key', 'routed_to', 'centre_key', 'registrar_key'), name='complaint_tally_bucket'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
