"""Reading from the PostgreSQL streaming replica (DATABASE_REPLICA_URL), where it is safe.

Everything reads and writes the primary ("default") unless code asks for the replica, and
only code that reads data a few seconds old without harm asks: report production, the XLSX
and CSV exports, the statistics pages. Two ways to ask:

- ``with reading_replica():`` around code that only reads (a report's figures): the router
  (core.db_router.ReplicaRouter) sends its reads to the replica;
- ``on_replica(queryset)`` for a queryset evaluated later (a streamed CSV): the queryset is
  bound to the replica when it is made.

Reads never go to the replica, even inside ``reading_replica()``:

- inside a transaction on the primary (``transaction.atomic``): every service, and so every
  workflow step (``Workflow.take_step`` refuses to run outside one), reads what it is about
  to write from the primary, its own uncommitted writes included;
- after a write: the first write inside a ``reading_replica()`` block pins the rest of the
  block to the primary, so a read right after a write sees it;
- when no replica is configured (development, SQLite) or replica reads are switched off
  (DATABASE_REPLICA_READS=0, the test settings).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet

REPLICA = "replica"

_M = TypeVar("_M", bound=Model)


@dataclass
class _ReplicaBlock:
    """One ``reading_replica()`` block; `wrote` once a write has gone to the primary."""

    wrote: bool = False


_block: ContextVar[_ReplicaBlock | None] = ContextVar("crm_replica_block", default=None)


def replica_configured() -> bool:
    """A replica is declared (DATABASE_REPLICA_URL) and replica reads are on."""
    return REPLICA in settings.DATABASES and getattr(settings, "DATABASE_REPLICA_READS", True)


def _in_primary_transaction() -> bool:
    return connections[DEFAULT_DB_ALIAS].in_atomic_block


def replica_alias() -> str:
    """The alias to read lag-tolerant data from now: the replica when one is configured and
    the caller is not inside a transaction on the primary, else the primary."""
    if not replica_configured() or _in_primary_transaction():
        return DEFAULT_DB_ALIAS
    return REPLICA


def on_replica(queryset: QuerySet[_M]) -> QuerySet[_M]:
    """The queryset read from the replica (replica_alias()), for querysets evaluated after
    the caller returns (streamed responses). Saving what it returns still writes the
    primary (the router), and related rows it did not select are read from the primary."""
    return queryset.using(replica_alias())


@contextmanager
def reading_replica() -> Iterator[None]:
    """Inside the block, reads go to the replica (see the module's docstring for when they
    do not). Blocks nest; a write inside an inner block pins the outer one too."""
    outer = _block.get()
    block = outer if outer is not None else _ReplicaBlock()
    token = _block.set(block)
    try:
        yield
    finally:
        _block.reset(token)


def read_alias() -> str:
    """Where the router sends a read now."""
    block = _block.get()
    if block is None or block.wrote:
        return DEFAULT_DB_ALIAS
    return replica_alias()


def note_write() -> None:
    """A write is going to the primary: the rest of the current block reads the primary."""
    block = _block.get()
    if block is not None:
        block.wrote = True
