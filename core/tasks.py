from celery import shared_task
from django.utils import timezone


@shared_task
def ping(message: str = "ping") -> dict[str, str]:
    """Round-trip check of the task queue: `manage.py check_worker` and the integration test."""
    return {"message": message, "answered_at": timezone.now().isoformat()}


@shared_task
def run_job(job_id: str) -> str:
    """A background job started from a page (core.jobs): an import, a large form's entry."""
    from . import jobs

    jobs.run(job_id)
    return job_id
