"""The nightly roll-up of the tracked links' visits (django-celery-beat entry «تجميع زيارات
الروابط المتتبعة»: links migration 0003, editable in the admin)."""

from celery import shared_task


@shared_task
def roll_up_link_visits() -> int:
    """Count yesterday (and any closed day not counted yet) into the per-day totals."""
    from .services import visits_roll_up

    return visits_roll_up()
