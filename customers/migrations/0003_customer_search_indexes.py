"""PostgreSQL only: a trigram index for the search box.

The search box filters with name_normalized LIKE '%…%' (customers.selectors.search_customers),
which no B-tree index can serve: at 100,000 customers every search, including a mobile
number typed as 05XXXXXXXX (the same box ORs a name match), read the whole table. A GIN
index with gin_trgm_ops answers LIKE '%…%' directly. pg_trgm needs a UTF-8 database locale
to see Arabic letters as word characters (C.UTF-8 and en_US.UTF-8 both work).

The same migrations run on SQLite (`make run`): there this migration does nothing. Both
steps sit in one RunPython that checks the vendor, because TrigramExtension on its own
skips other databases on the way forward but not on the way back (it queries pg_extension).
Unapplying removes the index and leaves the extension, which something else may use.
The index is not in the model state, so makemigrations stays quiet.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

NAME_TRIGRAM_INDEX = GinIndex(
    fields=["name_normalized"], name="customer_name_trgm", opclasses=["gin_trgm_ops"]
)


def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # CREATE EXTENSION IF NOT EXISTS pg_trgm (trusted since PostgreSQL 13: the database
    # owner may create it).
    TrigramExtension().database_forwards("customers", schema_editor, None, None)
    schema_editor.add_index(apps.get_model("customers", "Customer"), NAME_TRIGRAM_INDEX)


def remove_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("customers", "Customer"), NAME_TRIGRAM_INDEX)


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_customer_code_counter")]

    operations = [
        migrations.RunPython(add_trigram_index, remove_trigram_index, elidable=False),
    ]
