"""The programmes' search box reads a stored, normalised name (core.text.normalize_arabic,
kept by Programme.save) instead of folding every name with nested REPLACE(LOWER(name)) at
each search. Existing programmes get the column filled in batches, every row kept, and
PostgreSQL a trigram index (core.migration_operations). The history leaves the column out,
so its table is unchanged."""

from django.db import migrations, models

from core.migration_operations import (
    add_trigram_index_on_postgresql,
    fill_in_batches,
    trigram_index,
)
from core.text import normalize_arabic


class Migration(migrations.Migration):
    dependencies = [("programmes", "0003_verbose_names")]

    operations = [
        migrations.AddField(
            model_name="programme",
            name="name_normalized",
            field=models.TextField(default="", editable=False),
        ),
        fill_in_batches("programmes", "Programme", "name_normalized", ["name"], normalize_arabic),
        add_trigram_index_on_postgresql(
            "programmes", "Programme", trigram_index("name_normalized", "programme_name_trgm")
        ),
    ]
