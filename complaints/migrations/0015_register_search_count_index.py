"""The register's search counted from an index (complaints.views_register): a department's
searched register is counted part by part from case_route_registrar alone, which then holds
the searched words and the customer as well as its key.

PostgreSQL only (INCLUDE is not SQLite's), in a RunPython that checks the vendor as in
0011: the index keeps its name and key in the model state, so makemigrations stays quiet and
SQLite keeps the plain index."""

from django.db import migrations, models

PLAIN = models.Index(fields=["routed_to", "registered_by"], name="case_route_registrar")
COVERING = models.Index(
    fields=["routed_to", "registered_by"],
    include=["search_text", "customer"],
    name="case_route_registrar",
)


def _swap(schema_editor, apps, old, new):
    if schema_editor.connection.vendor == "postgresql":
        case = apps.get_model("complaints", "Case")
        schema_editor.remove_index(case, old)
        schema_editor.add_index(case, new)


def include_search(apps, schema_editor):
    _swap(schema_editor, apps, PLAIN, COVERING)


def plain_key(apps, schema_editor):
    _swap(schema_editor, apps, COVERING, PLAIN)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0014_complaint_tallies")]

    operations = [migrations.RunPython(include_search, plain_key, elidable=False)]
