"""The support requests' background work (part B): the nightly start of the re-assessments
of recurring support (django-celery-beat entry «إعادة تقييم الدعم المتكرر»: support
migration 0002, editable in the admin)."""

from celery import shared_task


@shared_task
def start_due_reassessments() -> int:
    """Requests whose recurring support reached its re-assessment date go back to the social
    research officer (support.delivery.schedules_reassess_due)."""
    from .delivery import schedules_reassess_due

    return schedules_reassess_due()
