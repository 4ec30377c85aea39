"""The programmes' search box reads a stored, normalised name (core.text.normalize_arabic,
kept by Programme.save) instead of folding every name with nested REPLACE(LOWER(name)) at
each search.

Existing programmes get the column filled in batches: every row is kept. On PostgreSQL a
trigram GIN index (gin_trgm_ops) serves `name_normalized LIKE '%…%'`, in a RunPython that
checks the vendor as customers 0003 does (SQLite skips it). The history leaves the column
out, so its table is unchanged."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from core.text import normalize_arabic

BATCH = 2000
NAME_TRIGRAM_INDEX = GinIndex(
    fields=["name_normalized"], name="programme_name_trgm", opclasses=["gin_trgm_ops"]
)


def fill_name_normalized(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    batch = []
    for programme in Programme.objects.only("pk", "name").iterator(chunk_size=BATCH):
        programme.name_normalized = normalize_arabic(programme.name)
        batch.append(programme)
        if len(batch) == BATCH:
            Programme.objects.bulk_update(batch, ["name_normalized"])
            batch = []
    Programme.objects.bulk_update(batch, ["name_normalized"])


def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    TrigramExtension().database_forwards("programmes", schema_editor, None, None)
    schema_editor.add_index(apps.get_model("programmes", "Programme"), NAME_TRIGRAM_INDEX)


def remove_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("programmes", "Programme"), NAME_TRIGRAM_INDEX)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0003_verbose_names")]

    operations = [
        migrations.AddField(
            model_name="programme",
            name="name_normalized",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill_name_normalized, migrations.RunPython.noop),
        migrations.RunPython(add_trigram_index, remove_trigram_index, elidable=False),
    ]
