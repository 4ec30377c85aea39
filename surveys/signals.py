"""Step 1 starts by itself when a programme's status becomes «completed» in the portfolio:
the programmes app keeps a history row of every save (django-simple-history), which names
who saved it; surveys listens to it (programmes never imports surveys)."""

from typing import Any

from django.db import transaction
from simple_history.signals import post_create_historical_record

from programmes.models import Programme, ProgrammeStatus


def _programme_saved(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    if not isinstance(instance, Programme) or instance.status != ProgrammeStatus.COMPLETED:
        return
    from .services import round_prepare_for_programme

    # Inside the programme's transaction: the round is prepared with it or not at all.
    with transaction.atomic():
        round_prepare_for_programme(programme=instance)


post_create_historical_record.connect(_programme_saved, dispatch_uid="surveys_programme_done")
