"""Seeds the two instruments (surveys.instruments): the manual's beneficiary form word for
word and a proposed donor survey."""

from django.db import migrations

from surveys.instruments import seed


def seed_instruments(apps, schema_editor):
    seed(
        apps.get_model("surveys", "Instrument"),
        apps.get_model("surveys", "InstrumentVersion"),
        apps.get_model("surveys", "Item"),
        apps.get_model("surveys", "SurveySettings"),
    )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(seed_instruments, migrations.RunPython.noop)]
