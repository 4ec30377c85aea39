"""The register's search box reads one normalised column, with a trigram index on
PostgreSQL (LIKE '%…%' over 300,000 cases otherwise reads the whole table).

Existing cases get the column filled in batches. The index sits in a RunPython that checks
the vendor, as in customers 0003: SQLite (`make run`) has no pg_trgm. It is not in the
model state, so makemigrations stays quiet."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

BATCH = 2000
SEARCH_TRIGRAM_INDEX = GinIndex(
    fields=["search_text"], name="case_search_trgm", opclasses=["gin_trgm_ops"]
)


def fill_search_text(apps, schema_editor):
    from complaints.models import case_search_text

    Case = apps.get_model("complaints", "Case")
    batch = []
    for case in Case.objects.only("pk", "subject", "contact_name").iterator(chunk_size=BATCH):
        case.search_text = case_search_text(case.subject, case.contact_name)
        batch.append(case)
        if len(batch) == BATCH:
            Case.objects.bulk_update(batch, ["search_text"])
            batch = []
    Case.objects.bulk_update(batch, ["search_text"])


def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    TrigramExtension().database_forwards("complaints", schema_editor, None, None)
    schema_editor.add_index(apps.get_model("complaints", "Case"), SEARCH_TRIGRAM_INDEX)


def remove_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("complaints", "Case"), SEARCH_TRIGRAM_INDEX)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_faq_attachments_recommendations")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(add_trigram_index, remove_trigram_index, elidable=False),
    ]
