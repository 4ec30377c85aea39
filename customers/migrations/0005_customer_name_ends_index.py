"""PostgreSQL only: an index on a customer's first and last name words, then the code.

The possible duplicates of a form's line include the customers whose normalised name starts
with the line's first word and ends with its last (customers.selectors._possible_duplicates).
`LIKE 'first %' AND LIKE '% last'` found them through the trigram index, every one of them
(600 of 100,000 customers for «مؤسسة … الخيرية», three times as many at 300,000), to keep
the ten newest codes. This index (of the names of two words or more, as the LIKEs ask) gives
the ten newest codes of a first and last word at once, whatever the size of the table. The
expressions are written exactly as the selector's (`customers.selectors.NAME_FIRST_WORD`,
`NAME_LAST_WORD`: PostgreSQL uses the index only for the same expressions). SQLite does
nothing here."""

from typing import Any

from django.db import migrations

INDEX = "customer_name_ends"


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON customers_customer "
            "(split_part(name_normalized, ' ', 1), "
            "reverse(split_part(reverse(name_normalized), ' ', 1)), code) "
            "WHERE name_normalized LIKE '%% %%'"  # %% : a literal % (params are given)
        )


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_model_verbose_names")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
