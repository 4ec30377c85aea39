"""Two indexes for the analysis pages.

The recurring complaints (complaints.recurring) group the complaints of a period by
category and centre, or by the signature of their subject, and count them month by month.
Over the received_at index alone each of those aggregates reads a table page per complaint
of the period; this partial covering index holds every column they read (the visibility
conditions' route, registrar and centre too), so PostgreSQL answers them with index-only
scans.

PostgreSQL only (INCLUDE is not SQLite's), in a RunPython that checks the vendor as in
0003: it is not in the model state, so makemigrations stays quiet.

The weekly register review (complaints.register_reviews) counts a department's cases
closed in the week: (routed_to, closed_at), in the model state."""

from django.db import migrations, models

RECURRING_COVER_INDEX = models.Index(
    fields=["received_at"],
    include=[
        "id",
        "routed_to",
        "registered_by",
        "centre",
        "category",
        "subject_signature",
        "subject",
    ],
    condition=models.Q(kind="complaint"),
    name="case_complaint_received_cover",
)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("complaints", "Case"), RECURRING_COVER_INDEX)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("complaints", "Case"), RECURRING_COVER_INDEX)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0010_open_work_indexes")]

    operations = [
        migrations.RunPython(add_index, remove_index, elidable=False),
        # complaints.register_reviews: the cases of a department closed in the week.
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["routed_to", "closed_at"], name="case_route_closed"),
        ),
    ]
