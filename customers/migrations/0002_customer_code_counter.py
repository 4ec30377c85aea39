"""The customer code counter: codes start at 100001 and only ever go up."""

from django.db import migrations

FIRST_CUSTOMER_CODE = 100001


def create_counter(apps, schema_editor):
    counter = apps.get_model("customers", "CustomerCodeCounter")
    counter.objects.get_or_create(pk=1, defaults={"last_code": FIRST_CUSTOMER_CODE - 1})


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [migrations.RunPython(create_counter, migrations.RunPython.noop)]
