"""A periodic task to open in the admin: the migration's beat entries are gone after a
transactional test has flushed the database."""


def any_periodic_task():
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    task = PeriodicTask.objects.order_by("pk").first()
    if task is None:
        schedule = CrontabSchedule.objects.create(minute="0", hour="7", timezone="Asia/Riyadh")
        task = PeriodicTask.objects.create(
            name="تقرير تجريبي", task="reports.tasks.produce_scheduled_report", crontab=schedule
        )
    return task
