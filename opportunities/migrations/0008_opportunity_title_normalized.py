"""The opportunities' search box reads a stored, normalised title (core.text.normalize_arabic,
kept by Opportunity.save and the correction service) instead of folding every title with
17 nested REPLACE(LOWER(title)) at each search, a full scan run twice (list and count).
Existing opportunities get the column filled in batches, every row kept, and PostgreSQL a
trigram index (core.migration_operations)."""

from django.db import migrations, models

from core.migration_operations import (
    add_trigram_index_on_postgresql,
    fill_in_batches,
    trigram_index,
)
from core.text import normalize_arabic


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0007_verbose_names")]

    operations = [
        migrations.AddField(
            model_name="opportunity",
            name="title_normalized",
            field=models.TextField(default="", editable=False),
        ),
        fill_in_batches(
            "opportunities", "Opportunity", "title_normalized", ["title"], normalize_arabic
        ),
        add_trigram_index_on_postgresql(
            "opportunities",
            "Opportunity",
            trigram_index("title_normalized", "opportunity_title_trgm"),
        ),
    ]
