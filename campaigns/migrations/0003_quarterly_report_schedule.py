"""The schedule of the quarterly campaigns report, as a django-celery-beat entry editable in
the admin (like reports' migration 0002): on the 1st of January, April, July and October at
07:00 Riyadh time, for the quarter just ended."""

import json

from django.db import migrations

NAME = "تقرير الحملات التسويقية الربعي"
REPORT_TYPE = "quarterly_campaigns"
TASK = "reports.tasks.produce_scheduled_report"
CRONTAB = {
    "minute": "0",
    "hour": "7",
    "day_of_week": "*",
    "day_of_month": "1",
    "month_of_year": "1,4,7,10",
}


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _created = CrontabSchedule.objects.get_or_create(timezone="Asia/Riyadh", **CRONTAB)
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "crontab": crontab,
            "kwargs": json.dumps({"report_type": REPORT_TYPE}),
            "enabled": True,
        },
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_placement_target"),
        ("reports", "0006_quarterly_campaigns"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
