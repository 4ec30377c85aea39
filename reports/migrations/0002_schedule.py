"""The schedule of the reports, as django-celery-beat entries editable in the admin: the
weekly opportunity report every Sunday at 07:00 Riyadh time for the week just ended, the
monthly reports on the 1st at 07:00 for the month just ended."""

import json

from django.db import migrations

SCHEDULES = [
    # (name as administrators read it in the admin, report type, crontab fields)
    (
        "تقرير الفرص الأسبوعي",
        "weekly_opportunities",
        {"minute": "0", "hour": "7", "day_of_week": "0", "day_of_month": "*"},
    ),
    (
        "تقرير الأداء الشهري",
        "monthly_performance",
        {"minute": "0", "hour": "7", "day_of_week": "*", "day_of_month": "1"},
    ),
    (
        "تقرير الشكاوى المتكررة الشهري",
        "monthly_recurring",
        {"minute": "0", "hour": "7", "day_of_week": "*", "day_of_month": "1"},
    ),
]
TASK = "reports.tasks.produce_scheduled_report"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, report_type, fields in SCHEDULES:
        crontab, _created = CrontabSchedule.objects.get_or_create(
            month_of_year="*", timezone="Asia/Riyadh", **fields
        )
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={
                "task": TASK,
                "crontab": crontab,
                "kwargs": json.dumps({"report_type": report_type}),
                "enabled": True,
            },
        )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
