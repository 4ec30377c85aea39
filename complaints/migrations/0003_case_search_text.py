"""The register's search box reads one normalised column, with a trigram index on
PostgreSQL (LIKE '%…%' over 300,000 cases otherwise reads the whole table). Existing cases
get the column filled in batches (core.migration_operations)."""

from django.db import migrations, models

from core.migration_operations import (
    add_trigram_index_on_postgresql,
    fill_in_batches,
    trigram_index,
)


def _search_text(subject: str, contact_name: str) -> str:
    from complaints.models import case_search_text

    return case_search_text(subject, contact_name)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_faq_attachments_recommendations")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        fill_in_batches(
            "complaints", "Case", "search_text", ["subject", "contact_name"], _search_text
        ),
        add_trigram_index_on_postgresql(
            "complaints", "Case", trigram_index("search_text", "case_search_trgm")
        ),
    ]
