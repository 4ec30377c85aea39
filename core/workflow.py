"""The one way every app takes a step of a django-fsm-2 workflow and lists the steps a user
may take now.

An app declares its state machine on the model: each `@transition` names its `permission=`
(a codename, or a callable `(record, user)` for rules such as "not the preparer of the form"
or "a handler of this case's queue") and its `conditions=` (callables `(record)` for rules
about the record alone). Then:

- `Workflow(...).take_step(record, "approve", actor=..., note=..., fields=...)` runs the
  transition, sets the fields, saves (ConcurrentTransitionMixin refuses a concurrent
  change) and writes the audit row, inside the caller's transaction;
- `available_actions(record, user)` lists the transitions this user may take now, read from
  the same decorators, so the buttons a page shows cannot drift from the rules.

The services still check each rule themselves, with the message the user reads.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, TransitionNotAllowed

# `custom=AUTOMATIC` on a transition a service takes as part of another step (a form
# returned for review by its entry): it is never offered as an action.
AUTOMATIC = {"automatic": True}

# The one message of every app when two people act on the same record at once: the second
# is refused and reloads (docs/GLOSSARY.md holds its Arabic wording).
CONFLICT_MESSAGE = gettext_lazy(
    "Someone else acted here at the same moment. Reload the page to see where it stands."
)


class NoTransactionError(RuntimeError):
    """A programming error: a step was taken outside `transaction.atomic()`, so its save and
    its audit row could be written apart."""


def require_transaction(using: str | None = None) -> None:
    """Raise NoTransactionError unless the caller runs inside `transaction.atomic()`."""
    if not transaction.get_connection(using).in_atomic_block:
        raise NoTransactionError(
            "A workflow step must run inside transaction.atomic(): the record and its audit "
            "row are saved together or not at all."
        )


def record_field(audit: type[models.Model], record: models.Model) -> str:
    """The name of the audit model's foreign key to the record's model."""
    for candidate in audit._meta.get_fields():
        related = candidate.related_model
        if candidate.many_to_one and isinstance(related, type) and isinstance(record, related):
            return candidate.name
    raise LookupError(f"{audit.__name__} has no foreign key to {type(record).__name__}")


def write_audit(
    audit: type[models.Model],
    record: models.Model,
    *,
    source: str,
    target: str,
    actor: Any,
    note: str = "",
) -> models.Model:
    """One audit row (a core.models.TransitionRecord subclass): who moved the record from
    `source` to `target`, with what note."""
    return audit._default_manager.create(
        **{record_field(audit, record): record},
        source=source,
        target=target,
        actor=actor,
        note=note,
    )


@dataclass(frozen=True)
class Workflow:
    """One state machine of an app: the field holding its state, its audit model (None when
    the app keeps its own trail, such as a contact's approval steps), the error its services
    raise and the two messages a refused step shows (gettext_lazy: read in the user's
    language when raised). The conflict message is the shared CONFLICT_MESSAGE."""

    error: type[Exception]
    stale_message: Any
    conflict_message: Any = CONFLICT_MESSAGE
    audit: type[models.Model] | None = None
    field: str = "state"

    def take_step(
        self,
        record: models.Model,
        transition_name: str,
        *,
        actor: Any = None,
        note: str = "",
        fields: dict[str, Any] | None = None,
        before_save: Callable[[models.Model], None] | None = None,
        update_fields: Iterable[str] | None = None,
    ) -> models.Model | None:
        """Run the transition on the in-memory record, set `fields`, let
        `before_save(record)` set what depends on the new state (deadlines), save (only
        `update_fields` when given) and write the audit row. Returns the audit row.

        Must run inside a transaction (NoTransactionError otherwise). A step the record is
        no longer at raises `error(stale_message)`; a concurrent change of the same record
        raises `error(conflict_message)`, and nothing is saved."""
        require_transaction()
        source = getattr(record, self.field)
        try:
            getattr(record, transition_name)()
        except TransitionNotAllowed as exc:
            raise self.error(str(self.stale_message)) from exc
        for name, value in (fields or {}).items():
            setattr(record, name, value)
        if before_save is not None:
            before_save(record)
        try:
            if update_fields is None:
                record.save()
            else:
                record.save(update_fields=list(update_fields))
        except ConcurrentTransition as exc:
            raise self.error(str(self.conflict_message)) from exc
        if self.audit is None:
            return None
        target = getattr(record, self.field)
        return write_audit(self.audit, record, source=source, target=target, actor=actor, note=note)

    def record_event(self, record: models.Model, *, actor: Any, note: str = "") -> models.Model:
        """An audit row that takes no step: the record created at its first state, or
        something done at its current one (an investigation, files regenerated). Inside the
        caller's transaction, like a step."""
        require_transaction()
        if self.audit is None:
            raise LookupError("This workflow keeps no audit trail.")
        state = getattr(record, self.field)
        return write_audit(self.audit, record, source=state, target=state, actor=actor, note=note)

    def available_actions(self, record: models.Model, user: Any) -> list[str]:
        return available_actions(record, user, field=self.field)


def available_actions(record: models.Model, user: Any, *, field: str = "state") -> list[str]:
    """The names of the transitions of `field` this user may take on the record now: the
    record is at a source state, every condition holds and the user has the permission,
    in the order the model declares them. Steps marked AUTOMATIC are left out."""
    available = getattr(record, f"get_available_user_{field}_transitions")(user)
    # django-fsm lists them by name; the page shows them in the order of the model.
    steps = sorted(available, key=lambda step: step.method.__code__.co_firstlineno)
    return [step.name for step in steps if not step.custom.get("automatic")]
