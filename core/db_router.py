"""The database router (settings.DATABASE_ROUTERS): the primary for everything, the
streaming replica only for reads inside ``core.replica.reading_replica()`` (see there)."""

from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model

from core import replica


class ReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        # Always an answer, never None: Django would otherwise read a row's relations from
        # the database the row came from, the replica, outside any replica block.
        return replica.read_alias()

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        replica.note_write()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The replica is a copy of the primary: a row read from either may point to a row
        # read from the other.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, replica.REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica is read-only: it receives the primary's schema by replication.
        if db == replica.REPLICA:
            return False
        return None
