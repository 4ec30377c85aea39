from celery import shared_task
from django.utils import timezone


@shared_task
def ping(message="ping"):
    """Round-trip check of the task queue: `manage.py check_worker` and the integration test."""
    return {"message": message, "answered_at": timezone.now().isoformat()}
