"""The queue's search box reads SupportRequest.search_text (the tracking number, the
Arabic-normalised name, the national ID and the mobile, kept by SupportRequest.save):
PostgreSQL gets a trigram index on it (core.migration_operations; SQLite skips it). Two
labels made clearer: the decision notice's channel, and who opened a confidential part."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.migration_operations import add_trigram_index_on_postgresql, trigram_index


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0002_reassessment_schedule"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="confidentialaccess",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="opened by",
            ),
        ),
        migrations.AlterField(
            model_name="supportrequest",
            name="notice_channel",
            field=models.CharField(
                blank=True,
                choices=[("sms", "SMS"), ("letter", "Letter")],
                max_length=10,
                verbose_name="decision notice channel",
            ),
        ),
        add_trigram_index_on_postgresql(
            "support",
            "SupportRequest",
            trigram_index("search_text", "support_request_search_trgm"),
        ),
    ]
