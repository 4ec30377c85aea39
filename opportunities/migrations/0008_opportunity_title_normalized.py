"""The opportunities' search box reads a stored, normalised title (core.text.normalize_arabic,
kept by Opportunity.save and the correction service) instead of folding every title with
17 nested REPLACE(LOWER(title)) at each search, a full scan run twice (list and count).

Existing opportunities get the column filled in batches: every row is kept. On PostgreSQL a
trigram GIN index (gin_trgm_ops) serves `title_normalized LIKE '%…%'`; it sits in a
RunPython that checks the vendor, as in customers 0003, so SQLite (`make run`) skips it and
unapplying removes the index (leaving the pg_trgm extension, which others use). The index
is not in the model state, so makemigrations stays quiet."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from core.text import normalize_arabic

BATCH = 2000
TITLE_TRIGRAM_INDEX = GinIndex(
    fields=["title_normalized"], name="opportunity_title_trgm", opclasses=["gin_trgm_ops"]
)


def fill_title_normalized(apps, schema_editor):
    Opportunity = apps.get_model("opportunities", "Opportunity")
    batch = []
    for opportunity in Opportunity.objects.only("pk", "title").iterator(chunk_size=BATCH):
        opportunity.title_normalized = normalize_arabic(opportunity.title)
        batch.append(opportunity)
        if len(batch) == BATCH:
            Opportunity.objects.bulk_update(batch, ["title_normalized"])
            batch = []
    Opportunity.objects.bulk_update(batch, ["title_normalized"])


def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # CREATE EXTENSION IF NOT EXISTS pg_trgm (trusted since PostgreSQL 13).
    TrigramExtension().database_forwards("opportunities", schema_editor, None, None)
    schema_editor.add_index(apps.get_model("opportunities", "Opportunity"), TITLE_TRIGRAM_INDEX)


def remove_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(
            apps.get_model("opportunities", "Opportunity"), TITLE_TRIGRAM_INDEX
        )


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0007_verbose_names")]

    operations = [
        migrations.AddField(
            model_name="opportunity",
            name="title_normalized",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill_title_normalized, migrations.RunPython.noop),
        migrations.RunPython(add_trigram_index, remove_trigram_index, elidable=False),
    ]
