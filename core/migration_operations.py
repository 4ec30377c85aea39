"""Operations that migrations of several apps share: a stored, normalised search column filled
in batches, and a trigram index that exists on PostgreSQL only.

A search box reads one stored column (kept by the model's save and the services) instead of
folding every row at each search; a GIN index with gin_trgm_ops answers `LIKE '%…%'` on it.
pg_trgm needs a UTF-8 database locale to see Arabic letters as word characters (C.UTF-8 and
en_US.UTF-8 both work).

The same migrations run on SQLite (`make run`), which has no pg_trgm: the index sits in a
RunPython that checks the vendor and creates the extension itself (TrigramExtension skips other
databases on the way forward but not on the way back: it queries pg_extension). Unapplying
removes the index and leaves the extension, which another app may use. The index is not in the
model state, so makemigrations stays quiet.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

BATCH = 2000


def trigram_index(field: str, name: str) -> GinIndex:
    return GinIndex(fields=[field], name=name, opclasses=["gin_trgm_ops"])


def add_trigram_index_on_postgresql(
    app_label: str, model_name: str, index: GinIndex
) -> migrations.RunPython:
    """A reversible operation that creates pg_trgm (trusted since PostgreSQL 13: the database
    owner may) and the index on PostgreSQL, and does nothing elsewhere."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.add_index(apps.get_model(app_label, model_name), index)

    def backwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(apps.get_model(app_label, model_name), index)

    return migrations.RunPython(forwards, backwards, elidable=False)


def fill_in_batches(
    app_label: str,
    model_name: str,
    column: str,
    sources: Sequence[str],
    compute: Callable[..., str],
) -> migrations.RunPython:
    """Fill `column` of every existing row with compute(*its sources), in batches of BATCH
    rows, so that no row is lost and memory stays flat on a large table. Unapplying does
    nothing: the column goes with the field."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        batch = []
        for row in model.objects.only("pk", *sources).iterator(chunk_size=BATCH):
            setattr(row, column, compute(*(getattr(row, source) for source in sources)))
            batch.append(row)
            if len(batch) == BATCH:
                model.objects.bulk_update(batch, [column])
                batch = []
        model.objects.bulk_update(batch, [column])

    return migrations.RunPython(forwards, migrations.RunPython.noop)
