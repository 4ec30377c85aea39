"""Taking one step of a django-fsm-2 workflow, the same way in every app's services."""

from django_fsm import ConcurrentTransition, TransitionNotAllowed


def take_step(
    record,
    transition_name,
    *,
    error,
    stale_message,
    conflict_message,
    field="state",
    fields=None,
    before_save=None,
    update_fields=None,
):
    """Run the transition on the in-memory record, set `fields`, let `before_save(record)`
    set what depends on the new state (deadlines), save, and return the state the record
    left. The caller records the step in its audit trail, in the same transaction.

    A step the record is no longer at raises `error(stale_message)`; a concurrent change of
    the same record (ConcurrentTransitionMixin's check on save) raises
    `error(conflict_message)`, and nothing is saved."""
    source = getattr(record, field)
    try:
        getattr(record, transition_name)()
    except TransitionNotAllowed as exc:
        raise error(stale_message) from exc
    for name, value in (fields or {}).items():
        setattr(record, name, value)
    if before_save is not None:
        before_save(record)
    try:
        if update_fields is None:
            record.save()
        else:
            record.save(update_fields=update_fields)
    except ConcurrentTransition as exc:
        raise error(conflict_message) from exc
    return source
